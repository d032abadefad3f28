import type { PlentyLookups } from './lookups';
import type { MagentoAddress } from './magento-order';
import type { PlentyAddressCreate } from './plenty-payloads';

/**
 * Magento addresses → Plenty address bodies.
 *
 * Magento keeps the street as free text lines; Plenty wants street (address1), house number
 * (address2) and an additional line (address3). Most shops ask for "street and number" in line 1,
 * some ask for the number in line 2; anything further is additional information.
 */

export interface StreetParts {
  street: string;
  houseNumber: string;
  additional?: string;
}

/** countries where the house number comes first ("12 Rue de la Paix", "221B Baker Street") */
const NUMBER_FIRST = new Set([
  'US',
  'CA',
  'GB',
  'IE',
  'AU',
  'NZ',
  'FR',
  'LU',
  'MC',
  'ZA',
  'IN',
  'SG',
  'IL',
  'MT',
  'CY',
]);

/** a house number token: 12, 12a, 12 a, 12-14, 12/3/4, 5-7b, 1 bis, 3 ter, 12-H */
const SUFFIX = '(?:\\s*[a-zA-Z](?![a-zA-Z]))?';
const RANGE = `(?:\\s*[-/]\\s*(?:\\d+${SUFFIX}|[a-zA-Z](?![a-zA-Z])))*`;
const LATIN = '(?:\\s+(?:bis|ter|quater|hs|huis|bg|boven|beneden)\\b)?';
const NUMBER = `\\d+${SUFFIX}${RANGE}${LATIN}`;
const NUMBER_LAST = new RegExp(`^(.*[^\\d\\s,].*?)[\\s,]+(?:(?:nr\\.?|no\\.?)\\s*)?(${NUMBER})$`, 'i');
const NUMBER_FIRST_RE = new RegExp(`^(${NUMBER})[\\s,]+(.*[^\\d\\s].*)$`, 'i');
const ONLY_NUMBER = new RegExp(`^(${NUMBER})$`, 'i');

function tidy(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function splitLine(line: string, country: string): { street: string; houseNumber: string } | null {
  const first = () => {
    const m = NUMBER_FIRST_RE.exec(line);
    return m ? { street: tidy(m[2]!), houseNumber: tidy(m[1]!) } : null;
  };
  const last = () => {
    const m = NUMBER_LAST.exec(line);
    return m ? { street: tidy(m[1]!).replace(/,$/, ''), houseNumber: tidy(m[2]!) } : null;
  };
  return NUMBER_FIRST.has(country) ? (first() ?? last()) : (last() ?? first());
}

/**
 * Splits Magento street lines into Plenty's street / house number / additional line.
 * Examples: "Hauptstraße 12a" → Hauptstraße | 12a; "12 Rue de la Paix" → Rue de la Paix | 12;
 * "221B Baker Street" → Baker Street | 221B; "Kerkstraat 1 bis" → Kerkstraat | 1 bis;
 * ["Hauptstraße", "12"] → Hauptstraße | 12. Without a recognisable number the whole line is the street.
 */
export function splitStreet(lines: readonly string[], countryIso2: string): StreetParts {
  const clean = lines.map(tidy).filter((l) => l !== '');
  const [line1 = '', ...rest] = clean;
  let parts = splitLine(line1, countryIso2.toUpperCase());
  let extra = rest;
  if (!parts) {
    // number in its own line ("Hauptstraße" / "12")
    if (rest.length > 0 && ONLY_NUMBER.test(rest[0]!)) {
      parts = { street: line1, houseNumber: rest[0]! };
      extra = rest.slice(1);
    } else {
      parts = { street: line1, houseNumber: '' };
    }
  }
  const additional = extra.join(', ');
  return additional ? { ...parts, additional } : parts;
}

export interface DhlParts {
  kind: 'packstation' | 'postfiliale';
  number: string;
  postNumber?: string;
  /** lines left after the DHL markers are taken out */
  rest: string[];
}

const PACKSTATION = /^(?:dhl[\s-]*)?(?:pack\s*station|paketstation)\s*(?:nr\.?|no\.?|#)?\s*(\d{1,4})$/i;
const POSTFILIALE =
  /^(?:dhl[\s-]*)?(?:post\s*filiale|filiale|postfiliale|paketshop)\s*(?:nr\.?|no\.?|#)?\s*(\d{1,4})$/i;
const POST_NUMBER = /(?:^|\D)(\d{6,10})(?:\D|$)/;

/** Recognises DHL Packstation / Postfiliale addresses (Germany): "Packstation 123" + post number "12345678". */
export function detectDhl(lines: readonly string[], company?: string | null): DhlParts | null {
  const clean = lines.map(tidy).filter((l) => l !== '');
  for (let i = 0; i < clean.length; i++) {
    const line = clean[i]!;
    const ps = PACKSTATION.exec(line);
    const pf = ps ? null : POSTFILIALE.exec(line);
    const m = ps ?? pf;
    if (!m) continue;
    const others = clean.filter((_, j) => j !== i);
    let postNumber: string | undefined;
    const rest: string[] = [];
    for (const o of others) {
      const pn = !postNumber ? POST_NUMBER.exec(o) : null;
      if (
        pn &&
        /^(?:(?:dhl[\s-]*)?(?:post\s*nummer|postnummer|postnr\.?|kundennummer|kd\.?-?nr\.?)[\s:.]*)?\d{6,10}$/i.test(
          o,
        )
      ) {
        postNumber = pn[1];
      } else {
        rest.push(o);
      }
    }
    if (!postNumber && company) {
      const pn = POST_NUMBER.exec(company);
      if (pn && /^[^a-z]*(?:post\s*nummer|postnummer|postnr\.?)?[\s:.]*\d{6,10}[^a-z]*$/i.test(tidy(company)))
        postNumber = pn[1];
    }
    return {
      kind: ps ? 'packstation' : 'postfiliale',
      number: m[1]!,
      ...(postNumber ? { postNumber } : {}),
      rest,
    };
  }
  return null;
}

/** countries whose postcode Magento treats as optional by default */
const OPTIONAL_POSTCODE = new Set(['AE', 'HK', 'IE', 'MO', 'PA']);

/**
 * Plenty country id of an ISO-2 code. ISO codes are not unique in Plenty (GR is 13 Greece and 64
 * Greek islands; ES 8 Spain and 65 Balearic Islands): the main country always has the lowest id,
 * the special territories were added later, so the lowest id is both deterministic and right.
 */
export function plentyCountryId(iso2: string, countries: PlentyLookups['countries']): number | null {
  const code = iso2.trim().toUpperCase();
  let best: number | null = null;
  for (const c of countries) {
    if (c.isoCode2.toUpperCase() === code && (best === null || c.id < best)) best = c.id;
  }
  return best;
}

export type AddressResult =
  | { ok: true; address: PlentyAddressCreate; countryIso2: string }
  | { ok: false; reason: string };

function present(v: string | null | undefined): string | null {
  if (v == null) return null;
  const t = tidy(v);
  return t === '' ? null : t;
}

/**
 * Maps one Magento address. `label` names it in skip messages ("billing address", "shipping address").
 * `email` is the fallback e-mail (the order's customer e-mail) when the address carries none.
 */
export function mapAddress(
  addr: MagentoAddress,
  label: string,
  ctx: {
    countries: PlentyLookups['countries'];
    email: string | null;
    gender?: 'female' | 'male' | 'diverse';
  },
): AddressResult {
  const firstname = present(addr.firstname);
  const lastname = present(addr.lastname);
  const lines = (addr.street ?? []).map((l) => l ?? '');
  const city = present(addr.city);
  const postcode = present(addr.postcode);
  const country = present(addr.country_id)?.toUpperCase() ?? null;
  if (!firstname) return { ok: false, reason: `${label}: firstname is missing` };
  if (!lastname) return { ok: false, reason: `${label}: lastname is missing` };
  if (!lines.some((l) => tidy(l) !== '')) return { ok: false, reason: `${label}: street is missing` };
  if (!city) return { ok: false, reason: `${label}: city is missing` };
  if (!country) return { ok: false, reason: `${label}: country is missing` };
  if (!postcode && !OPTIONAL_POSTCODE.has(country))
    return { ok: false, reason: `${label}: postcode is missing` };
  const countryId = plentyCountryId(country, ctx.countries);
  if (countryId === null) {
    return {
      ok: false,
      reason: `${label}: country ${country} is not in Plenty's country list: refresh the lookups or activate the country in Plenty`,
    };
  }

  const company = present(addr.company);
  const dhl = country === 'DE' ? detectDhl(lines, company) : null;
  const options: PlentyAddressCreate['options'] = [];
  const vatId = present(addr.vat_id);
  if (vatId) options.push({ typeId: 1, value: vatId });
  const phone = present(addr.telephone);
  if (phone) options.push({ typeId: 4, value: phone });
  const email = present(addr.email) ?? ctx.email;
  if (email) options.push({ typeId: 5, value: email });

  const out: PlentyAddressCreate = {
    ...(ctx.gender ? { gender: ctx.gender } : {}),
    name2: firstname,
    name3: lastname,
    address1: '',
    address2: '',
    postalCode: postcode ?? '',
    town: city,
    countryId,
    options,
  };
  if (dhl) {
    // the company field often just repeats the post number on Packstation addresses
    const companyIsPostNumber =
      company !== null && dhl.postNumber !== undefined && company.includes(dhl.postNumber);
    if (company && !companyIsPostNumber) out.name1 = company;
    out.address1 = dhl.kind === 'packstation' ? 'PACKSTATION' : 'POSTFILIALE';
    out.address2 = dhl.number;
    if (dhl.rest.length > 0) out.address3 = dhl.rest.join(', ');
    if (dhl.kind === 'packstation') out.isPackstation = true;
    else out.isPostfiliale = true;
    if (dhl.postNumber) options.push({ typeId: 6, value: dhl.postNumber });
  } else {
    if (company) out.name1 = company;
    const parts = splitStreet(lines, country);
    out.address1 = parts.street;
    out.address2 = parts.houseNumber;
    if (parts.additional) out.address3 = parts.additional;
  }
  // stable key order for readable plans: name1 first
  const { name1, ...restOut } = out;
  const address = (name1 ? { name1, ...restOut } : restOut) as PlentyAddressCreate;
  return { ok: true, address, countryIso2: country };
}
