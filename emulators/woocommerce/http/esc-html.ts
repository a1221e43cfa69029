/**
 * WordPress's `esc_html` for the WooCommerce emulator: `_wp_specialchars(text, ENT_QUOTES, double_encode: false)`.
 * Unlike the shared `escapeHtml`, it leaves entities the text already holds alone ("Caf&eacute; &amp; Co" stays
 * as it is), so escaping twice changes nothing — which is why a site name WordPress saved escaped (sanitize_option
 * runs esc_html on `blogname`) shows once-encoded in the REST index and on the storefront. Two steps, as WordPress:
 * kses normalizes the ampersands (`&amp;` unless it starts an HTML 4 entity name, `&apos;` or a valid numeric
 * entity, whose digits it tidies), then PHP's htmlspecialchars (HTML 4.01 document type) escapes `<>"'` and every
 * ampersand that still starts no entity it knows.
 */

/** The HTML 4.01 entity names (PHP's table for the HTML 4.01 document type). */
const HTML4_ENTITY_NAMES = new Set(
  (
    "quot amp lt gt nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn " +
    "sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde " +
    "Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc " +
    "Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring " +
    "aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml " +
    "divide oslash ugrave uacute ucirc uuml yacute thorn yuml OElig oelig Scaron scaron Yuml fnof circ tilde Alpha " +
    "Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho Sigma Tau Upsilon Phi Chi " +
    "Psi Omega alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigmaf " +
    "sigma tau upsilon phi chi psi omega thetasym upsih piv ensp emsp thinsp zwnj zwj lrm rlm ndash mdash lsquo " +
    "rsquo sbquo ldquo rdquo bdquo dagger Dagger bull hellip permil prime Prime lsaquo rsaquo oline frasl euro " +
    "image weierp real trade alefsym larr uarr rarr darr harr crarr lArr uArr rArr dArr hArr forall part exist " +
    "empty nabla isin notin ni prod sum minus lowast radic prop infin ang and or cap cup int there4 sim cong asymp " +
    "ne equiv le ge sub sup nsub sube supe oplus otimes perp sdot lceil rceil lfloor rfloor lang rang loz spades " +
    "clubs hearts diams"
  ).split(" "),
);

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#039;",
};

/** Code points kses keeps as numeric entities (XML's Char production). */
function ksesKeeps(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** Code points htmlspecialchars leaves as numeric entities for HTML 4.01 (no C1 controls, no noncharacters). */
function phpKeeps(cp: number): boolean {
  return (
    (cp >= 0x20 && cp <= 0x7e) ||
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0x10ffff && (cp & 0xffff) < 0xfffe && (cp < 0xfdd0 || cp > 0xfdef))
  );
}

function phpKeepsEntity(entity: string): boolean {
  if (entity.startsWith("#x") || entity.startsWith("#X")) return phpKeeps(parseInt(entity.slice(2), 16));
  if (entity.startsWith("#")) return phpKeeps(Number(entity.slice(1)));
  return HTML4_ENTITY_NAMES.has(entity);
}

/** `esc_html(text)` as WordPress computes it. */
export function escHtml(text: string): string {
  if (!/[&<>"']/.test(text)) return text;
  const normalized = text
    .replace(/&/g, "&amp;")
    .replace(/&amp;([A-Za-z]{2,8}[0-9]{0,2});/g, (m, name: string) =>
      HTML4_ENTITY_NAMES.has(name) || name === "apos" ? `&${name};` : m,
    )
    .replace(/&amp;#(0*[0-9]{1,7});/g, (m, digits: string) =>
      ksesKeeps(Number(digits)) ? `&#${digits.replace(/^0+/, "").padStart(3, "0")};` : m,
    )
    .replace(/&amp;#[Xx](0*[0-9A-Fa-f]{1,6});/g, (m, hex: string) =>
      ksesKeeps(parseInt(hex, 16)) ? `&#x${hex.replace(/^0+/, "")};` : m,
    );
  return normalized.replace(/&(#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z0-9]+);|[&<>"']/g, (m, entity?: string) => {
    if (entity === undefined) return ESCAPES[m]!;
    return phpKeepsEntity(entity) ? m : `&amp;${m.slice(1)}`;
  });
}
