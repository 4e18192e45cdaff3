"""Realistic source files of about 600 lines (Python, TypeScript) for the signature scenarios, and a way to
find the line a definition starts on, to check the line numbers the model is shown."""
from __future__ import annotations

PY_HEAD = '''"""Inventory service: stock levels, reservations and restocking for the warehouse API."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections import defaultdict
from typing import Iterable

LOG = logging.getLogger(__name__)
DEFAULT_REORDER_LEVEL = 12
'''


def python_module(classes: int = 7, methods: int = 7) -> str:
    """An inventory module: dataclasses with ``methods`` methods each, then a function (~590 lines)."""
    parts = [PY_HEAD]
    for c in range(classes):
        name = f"Warehouse{c}Ledger"
        parts.append(f'''

@dataclasses.dataclass
class {name}:
    """Stock ledger of warehouse {c}: quantities per SKU and open reservations."""

    site: str
    quantities: dict[str, int] = dataclasses.field(default_factory=dict)
    reserved: dict[str, int] = dataclasses.field(default_factory=lambda: defaultdict(int))
''')
        for m in range(methods):
            parts.append(f'''
    def adjust_stock_{c}_{m}(self, sku: str, delta: int, *, reason: str = "manual") -> int:
        """Change the stock of ``sku`` by ``delta`` and return the new quantity."""
        current = self.quantities.get(sku, 0)
        updated = current + delta
        if updated < self.reserved[sku]:
            raise ValueError(f"{{sku}}: {{updated}} below reserved {{self.reserved[sku]}}")
        self.quantities[sku] = updated
        LOG.info("stock %s %s -> %s (%s)", sku, current, updated, reason)
        return updated
''')
    parts.append('''

def reorder_candidates(ledgers: Iterable[object], level: int = DEFAULT_REORDER_LEVEL) -> list[str]:
    """SKUs whose free stock fell under ``level`` in any ledger."""
    found = []
    for ledger in ledgers:
        for sku, quantity in ledger.quantities.items():
            if quantity - ledger.reserved[sku] < level:
                found.append(sku)
    return sorted(set(found))
''')
    return "".join(parts)


TS_HEAD = '''// Order routing for the storefront: carriers, rates and shipment tracking.
import { EventEmitter } from "events";

export type CarrierCode = "ups" | "dhl" | "fedex" | "usps";

export interface Parcel {
  weightGrams: number;
  lengthCm: number;
  widthCm: number;
  heightCm: number;
}
'''


def typescript_module(classes: int = 7, methods: int = 8) -> str:
    """A routing module: classes with a constructor and ``methods`` methods each, then a function (~590 lines)."""
    parts = [TS_HEAD]
    for c in range(classes):
        parts.append(f'''
/** Rates and routing rules of region {c}. */
export class RegionRouter{c} extends EventEmitter {{
  private readonly rates = new Map<CarrierCode, number>();

  constructor(private readonly region: string) {{
    super();
  }}
''')
        for m in range(methods):
            parts.append(f'''
  /** Price of shipping ``parcel`` with ``carrier`` (rule {m}). */
  public quoteRate{c}x{m}(parcel: Parcel, carrier: CarrierCode): number {{
    const base = this.rates.get(carrier) ?? 0;
    const volume = parcel.lengthCm * parcel.widthCm * parcel.heightCm;
    const billable = Math.max(parcel.weightGrams, volume / 5);
    this.emit("quoted", {{ carrier, billable }});
    return base + billable * 0.002;
  }}
''')
        parts.append("}\n")
    parts.append('''
export function cheapestCarrier(quotes: Map<CarrierCode, number>): CarrierCode | undefined {
  let best: CarrierCode | undefined;
  for (const [carrier, price] of quotes) {
    if (best === undefined || price < (quotes.get(best) ?? Infinity)) {
      best = carrier;
    }
  }
  return best;
}
''')
    return "".join(parts)


def line_of(source: str, fragment: str) -> tuple[int, str]:
    """(1-based number, whole line) of the only line of ``source`` that contains ``fragment``."""
    found = [(n, line) for n, line in enumerate(source.split("\n"), start=1) if fragment in line]
    assert len(found) == 1, f"{fragment!r} is on {len(found)} lines"
    return found[0]
