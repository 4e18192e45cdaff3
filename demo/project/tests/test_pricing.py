from decimal import Decimal

from inventory.pricing import CustomerGroup, Money, Order, OrderLine, PercentageDiscount, PriceCalculator, Product, TaxTable

TAX = TaxTable({"DE": {"standard": Decimal("0.19"), "reduced": Decimal("0.07")}})
WIDGET = Product("W-1", "Widget", Money(Decimal("10.00")), "hardware")


def test_list_price_with_tax():
    quote = PriceCalculator(TAX).quote(Order([OrderLine(WIDGET, 2)]))
    assert quote.total() == Money(Decimal("23.80"))


def test_best_single_rule_wins():
    rules = [PercentageDiscount("spring", Decimal("0.10")), PercentageDiscount("hardware", Decimal("0.15"), "hardware")]
    quote = PriceCalculator(TAX, rules).quote(Order([OrderLine(WIDGET, 1)], CustomerGroup.RETAIL))
    assert quote.lines[0].applied_rules == ("hardware",)
