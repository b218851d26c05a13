"""Basic accessibility checks, run in the browser on the page as rendered.

- the document: a ``lang`` on ``<html>`` and a ``<title>``;
- landmarks: one ``main``, a ``header`` (banner) and, on the data pages, a ``nav``;
- headings: exactly one ``h1``, and no level skipped on the way down (h2 then h4 is wrong);
- every form control a person can use has a label (``<label>``, ``aria-label`` or
  ``aria-labelledby``; ``title`` as a last resort);
- every ``img`` has an ``alt``; every ``svg`` not hidden from assistive technology has a
  ``<title>``, ``aria-label`` or ``aria-labelledby``;
- contrast (WCAG 2 AA): every visible piece of text against the background it is drawn on
  (the first opaque background up its ancestors, semi-transparent ones blended over it),
  at least 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold). SVG text is measured
  with its ``fill``. Text over a background image is not judged (reported as such only when
  no colour at all can be found).

:func:`problems` returns one line per problem, naming the element by a short CSS-like path.
"""

from __future__ import annotations

from typing import Any

SCRIPT = r"""
const wantNav = arguments[0];
const out = [];
const where = (el) => {
  const parts = [];
  for (let e = el; e && e.nodeType === 1 && parts.length < 4; e = e.parentElement) {
    let part = e.tagName.toLowerCase();
    if (e.id) { part += '#' + e.id; parts.unshift(part); break; }
    if (e.classList.length) part += '.' + [...e.classList].slice(0, 2).join('.');
    parts.unshift(part);
  }
  return parts.join(' > ');
};
const visible = (el) => {
  const style = getComputedStyle(el);
  if (style.display === 'none' || style.visibility === 'hidden') return false;
  const box = el.getBoundingClientRect();
  return box.width > 0 && box.height > 0;
};

// -- the document
if (!(document.documentElement.getAttribute('lang') || '').trim()) out.push('document: no lang');
if (!document.title.trim()) out.push('document: no title');

// -- landmarks
const count = (sel) => document.querySelectorAll(sel).length;
const mains = count('main, [role=main]');
if (mains !== 1) out.push(`landmarks: ${mains} main (want 1)`);
if (count('header, [role=banner]') < 1) out.push('landmarks: no header');
if (wantNav && count('nav, [role=navigation]') < 1) out.push('landmarks: no nav');

// -- headings
const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')];
const h1s = headings.filter((h) => h.tagName === 'H1').length;
if (h1s !== 1) out.push(`headings: ${h1s} h1 (want 1)`);
let last = 0;
for (const h of headings) {
  const level = Number(h.tagName[1]);
  if (last === 0 && level !== 1) out.push(`headings: first is ${h.tagName} (${where(h)})`);
  if (last && level > last + 1) out.push(`headings: ${h.tagName} after H${last} (${where(h)})`);
  if (!h.textContent.trim()) out.push(`headings: empty ${h.tagName} (${where(h)})`);
  last = level;
}

// -- labels
for (const el of document.querySelectorAll('input, select, textarea')) {
  const type = (el.getAttribute('type') || '').toLowerCase();
  if (['hidden', 'submit', 'reset', 'button', 'image'].includes(type)) continue;
  const labelled = (el.labels && [...el.labels].some((l) => l.textContent.trim()))
    || (el.getAttribute('aria-label') || '').trim()
    || (el.getAttribute('aria-labelledby') || '').split(/\s+/).some(
      (id) => id && document.getElementById(id) && document.getElementById(id).textContent.trim())
    || (el.getAttribute('title') || '').trim();
  if (!labelled) out.push(`labels: unlabelled ${el.tagName.toLowerCase()} (${where(el)})`);
}
for (const el of document.querySelectorAll('button')) {
  if (!(el.textContent.trim() || el.getAttribute('aria-label') || el.getAttribute('title')))
    out.push(`labels: button without a name (${where(el)})`);
}

// -- text alternatives
for (const img of document.querySelectorAll('img')) {
  if (!img.hasAttribute('alt')) out.push(`alt: img without alt (${where(img)})`);
}
for (const svg of document.querySelectorAll('svg')) {
  if (svg.closest('[aria-hidden=true]')) continue;
  if (svg.parentElement && svg.parentElement.closest('svg')) continue;
  const titled = (svg.querySelector(':scope > title') || {}).textContent
    || svg.getAttribute('aria-label') || svg.getAttribute('aria-labelledby');
  if (!(titled && String(titled).trim())) out.push(`alt: svg without title (${where(svg)})`);
}

// -- contrast
const parse = (text) => {
  const m = text.match(/rgba?\(([^)]+)\)/);
  if (!m) return null;
  const v = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
  return { r: v[0], g: v[1], b: v[2], a: v.length > 3 ? v[3] : 1 };
};
const over = (top, bottom) => ({
  r: top.r * top.a + bottom.r * (1 - top.a),
  g: top.g * top.a + bottom.g * (1 - top.a),
  b: top.b * top.a + bottom.b * (1 - top.a),
  a: 1,
});
const channel = (c) => {
  c /= 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};
const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
const ratio = (a, b) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};
const backdrop = (el) => {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const style = getComputedStyle(e);
    if (style.backgroundImage && style.backgroundImage !== 'none') return null;
    const bg = parse(style.backgroundColor);
    if (bg && bg.a > 0) { layers.push(bg); if (bg.a >= 1) break; }
  }
  let colour = { r: 255, g: 255, b: 255, a: 1 };  // the canvas
  for (const layer of layers.reverse()) colour = over(layer, colour);
  return colour;
};
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const seen = new Set();
let measured = 0;
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const el = node.parentElement;
  if (!el || seen.has(el) || !node.textContent.trim()) continue;
  seen.add(el);
  if (el.closest('script, style, title, desc, noscript, [aria-hidden=true]')) continue;
  if (!visible(el)) continue;
  const style = getComputedStyle(el);
  if (Number(style.opacity) === 0) continue;
  const inSvg = el instanceof SVGElement;
  const fg = parse(inSvg ? style.fill : style.color);
  const bg = backdrop(el);
  if (!fg || !bg) continue;
  const shown = fg.a < 1 ? over(fg, bg) : fg;
  const size = parseFloat(style.fontSize);
  const bold = Number(style.fontWeight) >= 700;
  const large = size >= 24 || (bold && size >= 18.66);
  const need = large ? 3 : 4.5;
  const got = ratio(shown, bg);
  measured += 1;
  if (got < need) {
    const said = node.textContent.trim().slice(0, 40);
    out.push(`contrast: ${got.toFixed(2)}:1 < ${need}:1 for "${said}" `
      + `(${JSON.stringify(shown)} on ${JSON.stringify(bg)}; ${where(el)})`);
  }
}
if (!measured) out.push('contrast: no visible text measured');
return out;
"""


def problems(driver: Any, *, nav: bool = True) -> list[str]:
    """The accessibility problems of the page the driver shows (empty when none)."""
    return list(driver.execute_script(SCRIPT, nav))
