/**
 * Escaping for markup: text and attribute values in HTML, and so in XML (SVG, and the
 * HTML-like labels Graphviz reads as XML). Every writer of the report page and of DOT labels
 * escapes through this one function.
 */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
