"""Generated source files for the tests: ``python_source``/``typescript_source`` (regular generated modules with
the line of every definition, for the signatures tests) and ``python_module``/``typescript_module`` (realistic
~600-line modules for the end-to-end scenarios, with ``line_of`` to find where a definition starts)."""

from __future__ import annotations


def python_source(lines_wanted: int = 600) -> tuple[str, dict[str, int]]:
    """A Python module of about ``lines_wanted`` lines, and the line of each definition it holds."""
    lines = ['"""A generated-for-test module of services."""', "", "import os", "import json", ""]
    where: dict[str, int] = {}
    index = 0
    while len(lines) < lines_wanted - 12:
        lines += ["", ""]
        where[f"Service{index}"] = len(lines) + 1
        lines += [f"class Service{index}:", f'    """Service number {index}."""', ""]
        for method in range(2):
            where[f"Service{index}.handle_{method}"] = len(lines) + 1
            lines += [
                f"    def handle_{method}(self, request: dict, retries: int = {method}) -> dict:",
                f'        """Handle a request of kind {method}."""',
                "        result = dict(request)",
                "        for attempt in range(retries):",
                "            result[str(attempt)] = os.getpid()",
                "        return json.loads(json.dumps(result))",
                "",
            ]
        index += 1
    while len(lines) < lines_wanted:
        lines.append(f"# padding line {len(lines) + 1}")
    return "\n".join(lines) + "\n", where


def typescript_source(lines_wanted: int = 600) -> tuple[str, dict[str, int]]:
    """A TypeScript module of about ``lines_wanted`` lines, and the line of each definition it holds."""
    lines = ["import { readFileSync } from 'fs';", ""]
    where: dict[str, int] = {}
    index = 0
    while len(lines) + 27 <= lines_wanted:
        lines.append("")
        where[f"Options{index}"] = len(lines) + 1
        lines += [f"export interface Options{index} {{", "  path: string;", "  retries: number;", "}", ""]
        where[f"Loader{index}"] = len(lines) + 1
        lines += [f"export class Loader{index} {{"]
        where[f"Loader{index}.load"] = len(lines) + 1
        lines += [
            f"  load(options: Options{index}): string {{",
            "    let text = '';",
            "    for (let i = 0; i < options.retries; i++) {",
            "      try {",
            "        text = readFileSync(options.path, 'utf8');",
            "        break;",
            "      } catch (error) {",
            "        if (i === options.retries - 1) {",
            "          throw error;",
            "        }",
            "      }",
            "    }",
            "    if (text.length === 0) {",
            "      return 'empty';",
            "    }",
            "    return text;",
            "  }",
            "}",
        ]
        index += 1
    while len(lines) < lines_wanted:
        lines.append(f"// padding line {len(lines) + 1}")
    return "\n".join(lines) + "\n", where

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
