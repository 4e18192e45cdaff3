"""Pricing engine for the inventory service: list prices, discount rules, taxes and order totals.

Every amount is a ``Decimal`` rounded to cents with ROUND_HALF_UP at the last step only; floats never touch
money. A ``PriceCalculator`` applies, in order: the catalogue price, customer-group prices, discount rules
(best single rule wins unless rules are marked stackable), coupons, then tax per region.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Protocol, Sequence

CENT = Decimal("0.01")
ZERO = Decimal("0")
DEFAULT_CURRENCY = "EUR"
MAX_DISCOUNT_RATE = Decimal("0.60")


class PricingError(Exception):
    """A price could not be computed (unknown SKU, bad rule, currency mismatch)."""


class CurrencyMismatch(PricingError):
    """Two amounts in different currencies were combined."""


class CustomerGroup(enum.Enum):
    """Who is buying: groups can have their own price lists and rules."""

    RETAIL = "retail"
    WHOLESALE = "wholesale"
    STAFF = "staff"


@dataclass(frozen=True)
class Money:
    """An amount of one currency. Arithmetic keeps full precision; ``rounded()`` gives cents."""

    amount: Decimal
    currency: str = DEFAULT_CURRENCY

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money needs a Decimal, got {type(self.amount).__name__}")

    def __add__(self, other: "Money") -> "Money":
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> "Money":
        return Money(self.amount * Decimal(factor), self.currency)

    def __neg__(self) -> "Money":
        return Money(-self.amount, self.currency)

    def __lt__(self, other: "Money") -> bool:
        self._check(other)
        return self.amount < other.amount

    def rounded(self) -> "Money":
        """The amount rounded to cents, half up."""
        return Money(self.amount.quantize(CENT, rounding=ROUND_HALF_UP), self.currency)

    def is_zero(self) -> bool:
        """True for an amount of exactly nothing."""
        return self.amount == ZERO

    def _check(self, other: "Money") -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency}")

    @classmethod
    def zero(cls, currency: str = DEFAULT_CURRENCY) -> "Money":
        """Nothing, in ``currency``."""
        return cls(ZERO, currency)

    @classmethod
    def parse(cls, text: str) -> "Money":
        """``"12.50 EUR"`` or ``"12.50"`` (default currency)."""
        parts = text.split()
        if not parts or len(parts) > 2:
            raise PricingError(f"not an amount: {text!r}")
        currency = parts[1].upper() if len(parts) == 2 else DEFAULT_CURRENCY
        return cls(Decimal(parts[0]), currency)

    def __str__(self) -> str:
        return f"{self.rounded().amount} {self.currency}"


@dataclass(frozen=True)
class Product:
    """A catalogue entry."""

    sku: str
    name: str
    list_price: Money
    category: str
    tax_class: str = "standard"
    discontinued: bool = False


@dataclass(frozen=True)
class OrderLine:
    """One product in an order, with its quantity."""

    product: Product
    quantity: int

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise PricingError(f"quantity must be positive, got {self.quantity}")

    @property
    def sku(self) -> str:
        """The product's SKU."""
        return self.product.sku


@dataclass
class Order:
    """What a customer wants to buy."""

    lines: list[OrderLine]
    customer_group: CustomerGroup = CustomerGroup.RETAIL
    region: str = "DE"
    coupon_codes: list[str] = field(default_factory=list)
    placed_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def total_quantity(self) -> int:
        """Units over all lines."""
        return sum(line.quantity for line in self.lines)

    def skus(self) -> set[str]:
        """The distinct SKUs ordered."""
        return {line.sku for line in self.lines}


@dataclass(frozen=True)
class PricedLine:
    """An order line with its computed prices."""

    line: OrderLine
    unit_price: Money
    discount: Money
    tax: Money
    applied_rules: tuple[str, ...] = ()

    @property
    def net(self) -> Money:
        """Quantity times unit price, minus the discount."""
        return self.unit_price * self.line.quantity - self.discount

    @property
    def gross(self) -> Money:
        """Net plus tax."""
        return self.net + self.tax


@dataclass(frozen=True)
class Quote:
    """The priced order: lines, totals, and which rules and coupons applied."""

    lines: tuple[PricedLine, ...]
    coupons: tuple[str, ...]
    currency: str

    def subtotal(self) -> Money:
        """Sum of the lines' net amounts."""
        return sum((pl.net for pl in self.lines), Money.zero(self.currency)).rounded()

    def tax_total(self) -> Money:
        """Sum of the lines' taxes."""
        return sum((pl.tax for pl in self.lines), Money.zero(self.currency)).rounded()

    def total(self) -> Money:
        """What the customer pays."""
        return (self.subtotal() + self.tax_total()).rounded()

    def to_json(self) -> str:
        """The quote as JSON for the checkout service."""
        return json.dumps({
            "currency": self.currency,
            "lines": [{"sku": pl.line.sku, "quantity": pl.line.quantity, "unit_price": str(pl.unit_price.amount),
                       "discount": str(pl.discount.rounded().amount), "tax": str(pl.tax.rounded().amount),
                       "rules": list(pl.applied_rules)} for pl in self.lines],
            "coupons": list(self.coupons),
            "subtotal": str(self.subtotal().amount),
            "tax": str(self.tax_total().amount),
            "total": str(self.total().amount),
        })


class DiscountRule(Protocol):
    """A rule that may discount an order line."""

    name: str
    stackable: bool

    def applies_to(self, line: OrderLine, order: Order) -> bool:
        """True when the rule may discount ``line``."""
        ...

    def discount_for(self, line: OrderLine, unit_price: Money) -> Money:
        """The discount on the whole line (not per unit)."""
        ...


@dataclass(frozen=True)
class PercentageDiscount:
    """A percentage off products of one category (or all when ``category`` is None)."""

    name: str
    rate: Decimal
    category: str | None = None
    stackable: bool = False
    valid_until: date | None = None

    def applies_to(self, line: OrderLine, order: Order) -> bool:
        """Right category, and not expired when the order was placed."""
        if self.valid_until and order.placed_at.date() > self.valid_until:
            return False
        return self.category is None or line.product.category == self.category

    def discount_for(self, line: OrderLine, unit_price: Money) -> Money:
        """``rate`` of the line's price."""
        return unit_price * line.quantity * self.rate


@dataclass(frozen=True)
class GroupDiscount:
    """A fixed rate for a customer group, for example staff."""

    name: str
    group: CustomerGroup
    rate: Decimal
    stackable: bool = True

    def applies_to(self, line: OrderLine, order: Order) -> bool:
        """Only for orders of ``group``."""
        return order.customer_group is self.group

    def discount_for(self, line: OrderLine, unit_price: Money) -> Money:
        """``rate`` of the line's price."""
        return unit_price * line.quantity * self.rate


@dataclass(frozen=True)
class BuyXGetYFree:
    """For every ``buy`` units of ``sku``, ``free`` more cost nothing."""

    name: str
    sku: str
    buy: int
    free: int
    stackable: bool = False

    def applies_to(self, line: OrderLine, order: Order) -> bool:
        """The SKU matches and enough units are ordered."""
        return line.sku == self.sku and line.quantity >= self.buy + self.free

    def discount_for(self, line: OrderLine, unit_price: Money) -> Money:
        """The price of the free units."""
        free_units = (line.quantity // (self.buy + self.free)) * self.free
        return unit_price * free_units


@dataclass(frozen=True)
class Coupon:
    """A code the customer enters: an amount or a rate off the whole order, with a minimum spend."""

    code: str
    amount_off: Money | None = None
    rate_off: Decimal | None = None
    minimum_spend: Money | None = None
    single_use: bool = True

    def value_for(self, subtotal: Money) -> Money:
        """What the coupon takes off ``subtotal`` (never more than the subtotal)."""
        if self.minimum_spend and subtotal < self.minimum_spend:
            return Money.zero(subtotal.currency)
        if self.amount_off is not None:
            return self.amount_off if self.amount_off < subtotal else subtotal
        if self.rate_off is not None:
            return subtotal * self.rate_off
        return Money.zero(subtotal.currency)


class TaxTable:
    """Tax rates per region and tax class, loaded from a JSON file."""

    def __init__(self, rates: Mapping[str, Mapping[str, Decimal]]) -> None:
        self._rates = {region: dict(classes) for region, classes in rates.items()}

    @classmethod
    def load(cls, path: Path) -> "TaxTable":
        """Read ``{"DE": {"standard": "0.19", "reduced": "0.07"}, …}``."""
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls({region: {k: Decimal(v) for k, v in classes.items()} for region, classes in raw.items()})

    def rate(self, region: str, tax_class: str) -> Decimal:
        """The rate for ``tax_class`` in ``region``; unknown combinations are an error, never zero."""
        try:
            return self._rates[region][tax_class]
        except KeyError:
            raise PricingError(f"no tax rate for {tax_class!r} in {region!r}") from None

    def regions(self) -> list[str]:
        """The regions with rates."""
        return sorted(self._rates)


class PriceList:
    """Prices by SKU for one customer group; falls back to the catalogue's list price."""

    def __init__(self, group: CustomerGroup, prices: Mapping[str, Money] | None = None) -> None:
        self.group = group
        self._prices = dict(prices or {})

    def price_of(self, product: Product) -> Money:
        """This list's price for ``product``."""
        return self._prices.get(product.sku, product.list_price)

    def set_price(self, sku: str, price: Money) -> None:
        """Override one SKU's price."""
        if price.amount < ZERO:
            raise PricingError(f"negative price for {sku}")
        self._prices[sku] = price


class PriceCalculator:
    """Turns an ``Order`` into a ``Quote``."""

    def __init__(self, tax_table: TaxTable, rules: Sequence[DiscountRule] = (),
                 price_lists: Iterable[PriceList] = (), coupons: Iterable[Coupon] = ()) -> None:
        self.tax_table = tax_table
        self.rules = list(rules)
        self.price_lists = {pl.group: pl for pl in price_lists}
        self.coupons = {c.code.upper(): c for c in coupons}
        self._used_coupons: set[str] = set()

    def quote(self, order: Order) -> Quote:
        """Price every line, apply coupons, compute tax."""
        if not order.lines:
            raise PricingError("an order needs at least one line")
        currency = order.lines[0].product.list_price.currency
        priced = [self._price_line(line, order) for line in order.lines]
        coupons = self._apply_coupons(priced, order)
        taxed = tuple(self._with_tax(pl, order.region) for pl in priced)
        return Quote(taxed, coupons, currency)

    def _price_line(self, line: OrderLine, order: Order) -> PricedLine:
        if line.product.discontinued:
            raise PricingError(f"{line.sku} is discontinued")
        unit = self.unit_price(line.product, order.customer_group)
        discount, names = self.best_discount(line, order, unit)
        return PricedLine(line, unit, discount, Money.zero(unit.currency), names)

    def unit_price(self, product: Product, group: CustomerGroup) -> Money:
        """The price of one unit for ``group``."""
        price_list = self.price_lists.get(group)
        return price_list.price_of(product) if price_list else product.list_price

    def best_discount(self, line: OrderLine, order: Order, unit: Money) -> tuple[Money, tuple[str, ...]]:
        """The largest single non-stackable discount plus every stackable one, capped at MAX_DISCOUNT_RATE."""
        candidates = [r for r in self.rules if r.applies_to(line, order)]
        exclusive = [r for r in candidates if not r.stackable]
        stackable = [r for r in candidates if r.stackable]
        chosen: list[DiscountRule] = []
        if exclusive:
            chosen.append(max(exclusive, key=lambda r: r.discount_for(line, unit).amount))
        chosen.extend(stackable)
        total = sum((r.discount_for(line, unit) for r in chosen), Money.zero(unit.currency))
        cap = unit * line.quantity * MAX_DISCOUNT_RATE
        return (cap if cap < total else total), tuple(r.name for r in chosen)

    def _apply_coupons(self, priced: list[PricedLine], order: Order) -> tuple[str, ...]:
        applied = []
        for code in order.coupon_codes:
            coupon = self.coupons.get(code.upper())
            if coupon is None or (coupon.single_use and coupon.code in self._used_coupons):
                continue
            subtotal = sum((pl.net for pl in priced), Money.zero(priced[0].unit_price.currency))
            value = coupon.value_for(subtotal)
            if value.is_zero():
                continue
            spread_discount(priced, value)
            self._used_coupons.add(coupon.code)
            applied.append(coupon.code)
        return tuple(applied)

    def _with_tax(self, pl: PricedLine, region: str) -> PricedLine:
        rate = self.tax_table.rate(region, pl.line.product.tax_class)
        return PricedLine(pl.line, pl.unit_price, pl.discount, pl.net * rate, pl.applied_rules)


def spread_discount(priced: list[PricedLine], value: Money) -> None:
    """Spread an order-level discount over the lines in proportion to their net amounts (in place)."""
    total = sum((pl.net for pl in priced), Money.zero(value.currency))
    if total.is_zero():
        return
    for index, pl in enumerate(priced):
        share = value * (pl.net.amount / total.amount)
        priced[index] = PricedLine(pl.line, pl.unit_price, pl.discount + share, pl.tax, pl.applied_rules)


def load_catalogue(path: Path) -> dict[str, Product]:
    """Products from a JSON Lines file: one ``{"sku", "name", "price", "category", …}`` per line."""
    products: dict[str, Product] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        item = json.loads(raw)
        try:
            products[item["sku"]] = Product(
                sku=item["sku"], name=item["name"], list_price=Money.parse(item["price"]),
                category=item["category"], tax_class=item.get("tax_class", "standard"),
                discontinued=bool(item.get("discontinued", False)),
            )
        except KeyError as missing:
            raise PricingError(f"{path}:{number}: missing {missing}") from None
    return products


def iter_price_changes(old: Mapping[str, Product], new: Mapping[str, Product]) -> Iterator[tuple[str, Money, Money]]:
    """(sku, old price, new price) for every product whose list price changed."""
    for sku in sorted(old.keys() & new.keys()):
        if old[sku].list_price != new[sku].list_price:
            yield sku, old[sku].list_price, new[sku].list_price


def margin(price: Money, cost: Money) -> Decimal:
    """Gross margin as a fraction of the price (0.25 = 25 %)."""
    if price.is_zero():
        raise PricingError("margin of a zero price")
    return ((price - cost).amount / price.amount).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
