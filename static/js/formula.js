/* Budget-line formula grammar: a line-by-line copy of budgets/formula.py (_Scanner), so that the
   editor's preview and the saved amount can never disagree. Both run the same corpus
   (tests/budgets/formula_corpus.json: Python tests and a Chromium test). Money is exact: satang as
   BigInt, the product rounded half-up like the server. No dependencies. */
(function (root) {
  "use strict";
  const MAX_CENTS = 99999999999999n;
  const MAX_UNIT = 50;
  const ARABIC = "0123456789";
  const THAI = "๐๑๒๓๔๕๖๗๘๙";
  const LOOKALIKES = "OoIl";
  const SIGNS = "-−–—";
  const BAD_OPERATORS = "/÷:+%^" + SIGNS;
  const ALWAYS_TIMES = "×*✕";
  const SPACE = " \t\r\n\u00a0\u2009\u202f\u3000\u200b\u200c\u200d\u2060\ufeff";

  const inSet = (set, c) => c !== "" && set.includes(c);
  const digit = (c) => c !== "" && (ARABIC.includes(c) || THAI.includes(c));
  const digitValue = (c) => (ARABIC.includes(c) ? ARABIC.indexOf(c) : THAI.indexOf(c));
  const latin = (c) => (c >= "A" && c <= "Z") || (c >= "a" && c <= "z");
  const thaiLetter = (c) => (c >= "\u0e01" && c <= "\u0e4f") || c === "\u0e5a" || c === "\u0e5b";
  const unitChar = (c) => c !== "" && (thaiLetter(c) || latin(c) || c === ".");

  class Refused {
    constructor(code, at, end, values) {
      this.code = code; this.at = at; this.end = end === undefined ? null : end; this.values = values || {};
    }
  }

  function Scanner(text) {
    this.s = text;
    this.n = text.length;
  }
  Scanner.prototype.char = function (i) { return i >= 0 && i < this.n ? this.s[i] : ""; };
  Scanner.prototype.skipSpace = function (i) {
    while (i < this.n && SPACE.includes(this.s[i])) i += 1;
    return i;
  };
  Scanner.prototype.backSpace = function (i) {
    while (i >= 0 && SPACE.includes(this.s[i])) i -= 1;
    return i;
  };
  Scanner.prototype.isTimes = function (i) {
    const c = this.char(i);
    if (inSet(ALWAYS_TIMES, c)) return true;
    return (c === "x" || c === "X") && !latin(this.char(i - 1)) && !latin(this.char(i + 1));
  };
  Scanner.prototype.fragment = function (start) {
    let end = start;
    while (end < this.n && !SPACE.includes(this.s[end]) && end - start < 30) end += 1;
    return Math.max(end, start + 1);
  };
  Scanner.prototype.checkLookalikes = function () {
    const s = this.s;
    for (let k = 0; k < this.n; k += 1) {
      const c = s[k];
      if (!latin(c) || c === "x" || c === "X") continue;
      const before = digit(this.char(k - 1)), after = digit(this.char(k + 1));
      const exponent = (c === "e" || c === "E") && before &&
        (this.char(k + 1) === "+" || this.char(k + 1) === "-") && digit(this.char(k + 2));
      if ((LOOKALIKES.includes(c) && (before || after)) || (before && after) || exponent) {
        let start = k;
        while (start > 0 && (digit(s[start - 1]) || latin(s[start - 1]) || ",.".includes(s[start - 1]))) start -= 1;
        let end = k;
        while (end < this.n && (digit(s[end]) || latin(s[end]) || ",.+-".includes(s[end]))) end += 1;
        throw new Refused("letter_in_number", k, end, { char: c, start });
      }
    }
  };
  Scanner.prototype.number = function (i) {
    const start = i, s = this.s;
    let whole = 0n;
    while (digit(this.char(i))) { whole = whole * 10n + BigInt(digitValue(s[i])); i += 1; }
    const firstGroup = i - start;
    let grouped = false;
    while (this.char(i) === "," && digit(this.char(i + 1))) {
      const comma = i;
      i += 1;
      const groupStart = i;
      while (digit(this.char(i))) { whole = whole * 10n + BigInt(digitValue(s[i])); i += 1; }
      if (i - groupStart !== 3 || (!grouped && firstGroup > 3)) throw new Refused("thousands", comma, null, { start });
      grouped = true;
    }
    let cents = whole * 100n;
    if (this.char(i) === "." && digit(this.char(i + 1))) {
      i += 1;
      const decimalStart = i;
      while (digit(this.char(i))) i += 1;
      if (i - decimalStart > 2) throw new Refused("decimals", decimalStart + 2, null, { start });
      let decimals = "";
      for (let k = decimalStart; k < i; k += 1) decimals += String(digitValue(s[k]));
      cents += BigInt(decimals.padEnd(2, "0"));
      if ((this.char(i) === "." || this.char(i) === ",") && digit(this.char(i + 1))) {
        throw new Refused("thousands", i, null, { start });
      }
    }
    if (s.slice(i, i + 2) === ".-") i += 2;
    if (cents > MAX_CENTS) throw new Refused("too_large", start);
    return [cents, i];
  };
  Scanner.prototype.unit = function (i) {
    const words = [];
    let k = this.skipSpace(i);
    const unitStart = k;
    while (unitChar(this.char(k)) && this.char(k) !== "." && !this.isTimes(k)) {
      const wordStart = k;
      while ((unitChar(this.char(k)) && !this.isTimes(k)) ||
             (this.char(k) === "/" && unitChar(this.char(k + 1)) && !this.isTimes(k + 1))) k += 1;
      const word = this.s.slice(wordStart, k);
      if ([...word].every((c) => LOOKALIKES.includes(c))) {
        throw new Refused("letter_in_number", wordStart, k, { char: word[0], start: wordStart });
      }
      words.push(word);
      i = k;
      k = this.skipSpace(k);
    }
    const unit = words.join(" ");
    if (unit.length > MAX_UNIT) throw new Refused("unit_too_long", unitStart, i);
    return [unit, i];
  };
  Scanner.prototype.declared = function (i, paren) {
    let k = this.skipSpace(i);
    if (inSet(SIGNS, this.char(k)) && digit(this.char(this.skipSpace(k + 1)))) throw new Refused("negative", k);
    if (!digit(this.char(k))) throw new Refused("declared_missing", k < this.n ? k : i - 1);
    let cents;
    [cents, k] = this.number(k);
    k = this.skipSpace(k);
    if (this.s.startsWith("บาท", k)) k = this.skipSpace(k + 3);
    let closed = false;
    if (paren !== null && this.char(k) === ")") { closed = true; k = this.skipSpace(k + 1); }
    if (k < this.n) throw new Refused("stray_text", k);
    return [cents, closed];
  };
  Scanner.prototype.parse = function () {
    const s = this.s, n = this.n;
    this.checkLookalikes();
    let i = 0;
    while (i < n && !digit(s[i]) && s[i] !== "=") i += 1;
    if (i === n) throw new Refused("no_number", 0);
    if (s[i] === "=") {
      i = this.skipSpace(i + 1);
      if (this.char(i) === "(") i = this.skipSpace(i + 1);
      if (inSet(SIGNS, this.char(i))) throw new Refused("negative", i);
      if (!digit(this.char(i))) throw new Refused(i >= n ? "no_number" : "declared_missing", Math.min(i, n - 1));
    }
    const before = this.backSpace(i - 1);
    if (before >= 0 && SIGNS.includes(s[before])) throw new Refused("negative", before);
    if (before >= 0 && this.isTimes(before)) throw new Refused("missing_number", before);
    const opened = s.lastIndexOf("(", i - 1);
    const paren = opened >= 0 && !s.slice(opened, i).includes(")") ? opened : null;
    const chain = i;
    const factors = [];
    let product = 1n, scale = 1n, declared = null, closed = false;
    for (;;) {
      const start = i;
      let cents, unit;
      [cents, i] = this.number(i);
      if (cents === 0n) throw new Refused("zero", start);
      product *= cents;
      if (factors.length) scale *= 100n;
      [unit, i] = this.unit(i);
      factors.push([cents, unit]);
      let k = this.skipSpace(i);
      let c = this.char(k);
      if (k >= n) break;
      if (this.isTimes(k)) {
        i = this.skipSpace(k + 1);
        if (inSet(SIGNS, this.char(i))) throw new Refused("negative", i);
        if (!digit(this.char(i))) throw new Refused("missing_number", i < n ? i : k);
        continue;
      }
      if (c === ")" && paren !== null && !closed) {
        closed = true;
        k = this.skipSpace(k + 1);
        if (k >= n) break;
        c = this.char(k);
      }
      if (c === "=") {
        let closedNow;
        [declared, closedNow] = this.declared(k + 1, closed ? null : paren);
        closed = closed || closedNow;
        break;
      }
      if (digit(c)) throw new Refused("missing_operator", k);
      if (BAD_OPERATORS.includes(c)) throw new Refused("operator", k, null, { char: c });
      throw new Refused("stray_text", k);
    }
    if (paren !== null && !closed) throw new Refused("paren", paren);
    const quotient = product / scale, remainder = product % scale;
    const cents = quotient + (2n * remainder >= scale ? 1n : 0n);
    if (cents > MAX_CENTS) throw new Refused("product_too_large", chain);
    if (cents === 0n) throw new Refused("too_small", 0);
    return { factors, declared, cents };
  };

  function baht(cents) {
    const whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return `${whole}.${(cents % 100n).toString().padStart(2, "0")}`;
  }

  function quantity(cents) {
    const whole = (cents / 100n).toString();
    const frac = (cents % 100n).toString().padStart(2, "0").replace(/0+$/, "");
    return frac ? `${whole}.${frac}` : whole;
  }

  function format(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, (m, key) => (key in values ? String(values[key]) : m));
  }

  /* {error, at, message, factors: [[quantity, unit]], cents (BigInt or null), declared (BigInt
     or null)}; error "" for a formula that may be saved, null cents for an empty one. */
  function parse(text, messages) {
    text = text == null ? "" : String(text);
    messages = messages || {};
    const empty = { error: "", at: 0, message: "", factors: [], cents: null, declared: null };
    if ([...text].every((c) => SPACE.includes(c))) return empty;
    const scanner = new Scanner(text);
    try {
      const result = scanner.parse();
      const out = {
        error: "", at: 0, message: "",
        factors: result.factors.map(([c, u]) => [quantity(c), u]),
        cents: result.cents, declared: result.declared,
      };
      if (result.declared !== null && result.declared !== result.cents) {
        out.error = "mismatch";
        out.message = format(messages.mismatch, { product: baht(result.cents), declared: baht(result.declared) });
      }
      return out;
    } catch (refused) {
      if (!(refused instanceof Refused)) throw refused;
      const start = "start" in refused.values ? refused.values.start : refused.at;
      const end = refused.end !== null ? refused.end : scanner.fragment(start);
      const values = {
        pos: refused.at + 1,
        fragment: text.slice(start, end),
        char: "char" in refused.values ? refused.values.char : scanner.char(refused.at),
      };
      return {
        error: refused.code, at: refused.at, message: format(messages[refused.code], values),
        factors: [], cents: null, declared: null,
      };
    }
  }

  root.ActionPlanFormula = { parse, baht };
})(typeof window !== "undefined" ? window : globalThis);
