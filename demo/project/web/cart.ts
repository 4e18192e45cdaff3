// Shopping cart state for the storefront: lines, quotes from the pricing API, and persistence.
// Amounts arrive from the API as decimal strings ("12.50") and are kept as strings or integer cents;
// never as floating point numbers.

export type Sku = string;
export type Cents = number;

export interface Product {
  sku: Sku;
  name: string;
  listPrice: string;
  category: string;
  imageUrl?: string;
  discontinued?: boolean;
}

export interface CartLine {
  product: Product;
  quantity: number;
  addedAt: string;
}

export interface QuotedLine {
  sku: Sku;
  quantity: number;
  unitPrice: string;
  discount: string;
  tax: string;
  rules: string[];
}

export interface Quote {
  currency: string;
  lines: QuotedLine[];
  coupons: string[];
  subtotal: string;
  tax: string;
  total: string;
}

export type CartEvent =
  | { kind: "added"; sku: Sku; quantity: number }
  | { kind: "removed"; sku: Sku }
  | { kind: "quantity"; sku: Sku; quantity: number }
  | { kind: "coupon"; code: string }
  | { kind: "quoted"; quote: Quote }
  | { kind: "error"; message: string };

export type Listener = (event: CartEvent, cart: Cart) => void;

export const MAX_QUANTITY = 999;
export const STORAGE_KEY = "storefront.cart.v2";
const QUOTE_DEBOUNCE_MS = 250;

export class CartError extends Error {
  constructor(message: string, readonly sku?: Sku) {
    super(message);
    this.name = "CartError";
  }
}

/** Parse "12.50" into 1250 cents without going through a float. */
export function toCents(amount: string): Cents {
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!match) {
    throw new CartError(`not an amount: ${amount}`);
  }
  const [, sign, whole, fraction = ""] = match;
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  return sign ? -cents : cents;
}

/** Format cents for display: 1250 -> "12.50". */
export function formatCents(cents: Cents): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** Format an amount with its currency for the cart summary. */
export function formatMoney(amount: string, currency: string, locale = "de-DE"): string {
  const cents = toCents(amount);
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(cents / 100);
}

export interface PricingClient {
  quote(lines: { sku: Sku; quantity: number }[], coupons: string[], region: string): Promise<Quote>;
}

export class HttpPricingClient implements PricingClient {
  constructor(private readonly baseUrl: string, private readonly fetcher: typeof fetch = fetch) {}

  async quote(lines: { sku: Sku; quantity: number }[], coupons: string[], region: string): Promise<Quote> {
    const response = await this.fetcher(`${this.baseUrl}/quote`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lines, coupons, region }),
    });
    if (!response.ok) {
      throw new CartError(`pricing service answered ${response.status}`);
    }
    return (await response.json()) as Quote;
  }
}

export interface Storage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class Cart {
  private lines = new Map<Sku, CartLine>();
  private coupons: string[] = [];
  private listeners: Listener[] = [];
  private latestQuote: Quote | null = null;
  private quoteTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly pricing: PricingClient,
    private readonly storage: Storage,
    private readonly region = "DE",
  ) {}

  static restore(pricing: PricingClient, storage: Storage, region = "DE"): Cart {
    const cart = new Cart(pricing, storage, region);
    const raw = storage.getItem(STORAGE_KEY);
    if (!raw) {
      return cart;
    }
    try {
      const saved = JSON.parse(raw) as { lines: CartLine[]; coupons: string[] };
      for (const line of saved.lines) {
        cart.lines.set(line.product.sku, line);
      }
      cart.coupons = saved.coupons ?? [];
    } catch {
      storage.removeItem(STORAGE_KEY);
    }
    return cart;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  add(product: Product, quantity = 1): void {
    if (product.discontinued) {
      throw new CartError(`${product.name} is no longer sold`, product.sku);
    }
    const existing = this.lines.get(product.sku);
    const next = (existing?.quantity ?? 0) + quantity;
    this.checkQuantity(product.sku, next);
    this.lines.set(product.sku, { product, quantity: next, addedAt: existing?.addedAt ?? new Date().toISOString() });
    this.changed({ kind: "added", sku: product.sku, quantity });
  }

  remove(sku: Sku): void {
    if (this.lines.delete(sku)) {
      this.changed({ kind: "removed", sku });
    }
  }

  setQuantity(sku: Sku, quantity: number): void {
    const line = this.lines.get(sku);
    if (!line) {
      throw new CartError(`not in the cart: ${sku}`, sku);
    }
    if (quantity === 0) {
      this.remove(sku);
      return;
    }
    this.checkQuantity(sku, quantity);
    this.lines.set(sku, { ...line, quantity });
    this.changed({ kind: "quantity", sku, quantity });
  }

  applyCoupon(code: string): void {
    const normalized = code.trim().toUpperCase();
    if (normalized && !this.coupons.includes(normalized)) {
      this.coupons.push(normalized);
      this.changed({ kind: "coupon", code: normalized });
    }
  }

  items(): CartLine[] {
    return [...this.lines.values()].sort((a, b) => a.addedAt.localeCompare(b.addedAt));
  }

  totalQuantity(): number {
    let total = 0;
    for (const line of this.lines.values()) {
      total += line.quantity;
    }
    return total;
  }

  quote(): Quote | null {
    return this.latestQuote;
  }

  /** Savings shown under the total: the sum of the line discounts in cents. */
  savings(): Cents {
    if (!this.latestQuote) {
      return 0;
    }
    return this.latestQuote.lines.reduce((sum, line) => sum + toCents(line.discount), 0);
  }

  /** Names of the discount rules applied to a line, for the badge next to it. */
  rulesFor(sku: Sku): string[] {
    return this.latestQuote?.lines.find((line) => line.sku === sku)?.rules ?? [];
  }

  async refreshQuote(): Promise<Quote | null> {
    if (this.lines.size === 0) {
      this.latestQuote = null;
      return null;
    }
    const request = this.items().map((line) => ({ sku: line.product.sku, quantity: line.quantity }));
    try {
      const quote = await this.pricing.quote(request, this.coupons, this.region);
      this.latestQuote = quote;
      this.emit({ kind: "quoted", quote });
      return quote;
    } catch (error) {
      this.emit({ kind: "error", message: error instanceof Error ? error.message : String(error) });
      return null;
    }
  }

  clear(): void {
    this.lines.clear();
    this.coupons = [];
    this.latestQuote = null;
    this.storage.removeItem(STORAGE_KEY);
  }

  private checkQuantity(sku: Sku, quantity: number): void {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
      throw new CartError(`quantity must be 1-${MAX_QUANTITY}, got ${quantity}`, sku);
    }
  }

  private changed(event: CartEvent): void {
    this.persist();
    this.emit(event);
    this.scheduleQuote();
  }

  private persist(): void {
    const data = JSON.stringify({ lines: this.items(), coupons: this.coupons });
    this.storage.setItem(STORAGE_KEY, data);
  }

  private emit(event: CartEvent): void {
    for (const listener of this.listeners) {
      listener(event, this);
    }
  }

  private scheduleQuote(): void {
    if (this.quoteTimer !== null) {
      clearTimeout(this.quoteTimer);
    }
    this.quoteTimer = setTimeout(() => {
      this.quoteTimer = null;
      void this.refreshQuote();
    }, QUOTE_DEBOUNCE_MS);
  }
}

/** A one-line summary for the header badge: "3 items · 42.10 €". */
export function summarize(cart: Cart, locale = "de-DE"): string {
  const quote = cart.quote();
  const count = cart.totalQuantity();
  const items = count === 1 ? "1 item" : `${count} items`;
  return quote ? `${items} · ${formatMoney(quote.total, quote.currency, locale)}` : items;
}

/** Group cart lines by product category for the cart page. */
export function groupByCategory(lines: CartLine[]): Map<string, CartLine[]> {
  const groups = new Map<string, CartLine[]>();
  for (const line of lines) {
    const group = groups.get(line.product.category) ?? [];
    group.push(line);
    groups.set(line.product.category, group);
  }
  return groups;
}

export class MemoryStorage implements Storage {
  private data = new Map<string, string>();

  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    this.data.set(key, value);
  }

  removeItem(key: string): void {
    this.data.delete(key);
  }
}
