import type { Request, Router } from 'express';
import { type PlentyContext, route } from '../context';
import { notFound, paginate, plentyTime, withSet } from '../http';
import type { PlentyAddress, PlentyContact } from '../state';
import { Validation } from '../validation';

const ADDRESS_FIELDS = [
  'gender',
  'name1',
  'name2',
  'name3',
  'name4',
  'address1',
  'address2',
  'address3',
  'address4',
  'postalCode',
  'town',
] as const;
const GENDERS = ['male', 'female', 'diverse', 'notToSay'] as const;
/** address option type → read-only alias in the response */
const OPTION_ALIAS: Record<number, string> = {
  1: 'taxIdNumber',
  2: 'externalId',
  4: 'phone',
  5: 'email',
  6: 'postident',
  7: 'personalNumber',
  8: 'fsk',
  9: 'birthday',
  10: 'sessionId',
  11: 'title',
  12: 'contactPerson',
  13: 'externalCustomerId',
};

/** Validates an address body; returns the normalised input or undefined (422 collected in v). */
function addressInput(ctx: PlentyContext, v: Validation, body: unknown) {
  const b = v.object(body);
  if (!b) return undefined;
  const out: Record<string, unknown> = {};
  for (const f of ADDRESS_FIELDS) {
    if (f === 'gender') out.gender = v.str('gender', b.gender, { in: GENDERS }) ?? null;
    else out[f] = v.str(f, b[f]) ?? '';
  }
  if (!out.name1 && !out.name2 && !out.name3)
    v.add('name1', 'The name1 field is required when none of name2 / name3 are present.');
  if (!out.address1) v.add('address1', 'The address1 field is required.');
  if (!out.town) v.add('town', 'The town field is required.');
  const countryId = v.int('countryId', b.countryId, { required: true });
  v.exists('countryId', countryId, (id) => ctx.state.lookups.countries.some((c) => c.id === id));
  out.countryId = countryId;
  out.stateId = v.int('stateId', b.stateId) ?? null;
  out.isPackstation = v.bool('isPackstation', b.isPackstation) ?? false;
  out.isPostfiliale = v.bool('isPostfiliale', b.isPostfiliale) ?? false;
  const options = v.array('options', b.options).map((o, i) => ({
    typeId: v.int(`options.${i}.typeId`, o.typeId, { required: true }) ?? 0,
    value:
      v.str(`options.${i}.value`, o.value === undefined || o.value === null ? o.value : String(o.value), {
        required: true,
      }) ?? '',
  }));
  return { ...out, options } as Record<string, unknown> & { options: { typeId: number; value: string }[] };
}

type AddressInput = NonNullable<ReturnType<typeof addressInput>>;

/** Identity of an address for Plenty's de-duplication (same fields and options → same address). */
function dedupKey(a: Record<string, unknown>): string {
  const opts = ((a.options as { typeId: number; value: string }[]) ?? [])
    .map((o) => `${o.typeId}=${o.value}`)
    .sort();
  return JSON.stringify([
    ...ADDRESS_FIELDS.map((f) =>
      String(a[f] ?? '')
        .trim()
        .toLowerCase(),
    ),
    a.countryId,
    a.stateId ?? null,
    opts,
  ]);
}

function createAddress(ctx: PlentyContext, input: AddressInput): PlentyAddress {
  const id = ctx.state.nextId('address', 1);
  const at = plentyTime(ctx.now());
  const options = input.options.map((o, i) => ({
    id: ctx.state.nextId('addressOption', 1),
    addressId: id,
    typeId: o.typeId,
    value: o.value,
    position: i,
    createdAt: at,
    updatedAt: at,
  }));
  const a: PlentyAddress = {
    id,
    ...input,
    readOnly: false,
    checkedAt: null,
    createdAt: at,
    updatedAt: at,
    companyName: input.name1,
    firstName: input.name2,
    lastName: input.name3,
    careOf: input.name4,
    street: input.address1,
    houseNumber: input.address2,
    additional: input.address3,
    packstationNo: input.isPackstation ? input.address2 : '',
    options,
  };
  for (const o of options) if (OPTION_ALIAS[o.typeId]) a[OPTION_ALIAS[o.typeId]!] = o.value;
  ctx.state.addresses.set(id, a);
  return a;
}

function contactView(ctx: PlentyContext, c: PlentyContact, req: Request): PlentyContact {
  if (!withSet(req).has('addresses')) return c;
  const links = ctx.state.contactAddressLinks.get(c.id) ?? [];
  return {
    ...c,
    addresses: links.map((l) => ({
      ...ctx.state.addresses.get(l.addressId),
      pivot: { contactId: c.id, addressId: l.addressId, typeId: l.typeId, isPrimary: l.isPrimary ? 1 : 0 },
    })),
  };
}

export function contactRoutes(r: Router, ctx: PlentyContext): void {
  const S = ctx.state;

  route(r, ctx, 'post', '/rest/accounts/contacts', (req, res) => {
    const v = new Validation();
    const b = v.object(req.body);
    if (!b) return v.send(res);
    const typeId = v.int('typeId', b.typeId, { required: true, min: 1, max: 6 });
    const referrerId = v.num('referrerId', b.referrerId);
    v.exists('referrerId', referrerId, (id) => S.lookups.referrers.some((x) => x.id === id));
    const plentyId = v.int('plentyId', b.plentyId);
    v.exists('plentyId', plentyId, (id) => S.lookups.webstores.some((w) => w.storeIdentifier === id));
    const lang = v.str('lang', b.lang, { in: S.lookups.languages });
    const gender = v.str('gender', b.gender, { in: GENDERS });
    const options = v.array('options', b.options).map((o, i) => ({
      typeId: v.int(`options.${i}.typeId`, o.typeId, { required: true, min: 1, max: 13 }) ?? 0,
      subTypeId: v.int(`options.${i}.subTypeId`, o.subTypeId, { required: true }) ?? 0,
      value:
        v.str(`options.${i}.value`, o.value === undefined || o.value === null ? o.value : String(o.value), {
          required: true,
        }) ?? '',
      priority: v.int(`options.${i}.priority`, o.priority) ?? 0,
    }));
    const email =
      options.find((o) => o.typeId === 2)?.value ?? (typeof b.email === 'string' ? b.email : null);
    const singleAccess = v.bool('singleAccess', b.singleAccess);
    if (v.failed) return v.send(res);
    const id = S.nextId('contact', 101);
    const at = plentyTime(ctx.now());
    const firstName = typeof b.firstName === 'string' ? b.firstName : '';
    const lastName = typeof b.lastName === 'string' ? b.lastName : '';
    const c: PlentyContact = {
      id,
      externalId: typeof b.externalId === 'string' ? b.externalId : null,
      number: typeof b.number === 'string' ? b.number : String(id),
      typeId: typeId!,
      firstName,
      lastName,
      fullName: `${firstName} ${lastName}`.trim(),
      email,
      gender: gender ?? null,
      title: typeof b.title === 'string' ? b.title : '',
      formOfAddress: '',
      classId: v.int('classId', b.classId) ?? null,
      blocked: 0,
      rating: 0,
      bookAccount: '',
      lang: lang ?? 'de',
      referrerId: referrerId ?? 1,
      plentyId: plentyId ?? null,
      userId: null,
      lastOrderAt: typeof b.lastOrderAt === 'string' ? b.lastOrderAt : null,
      createdAt: at,
      updatedAt: at,
      privatePhone: options.find((o) => o.typeId === 1)?.value ?? '',
      singleAccess: singleAccess ? '1' : '0',
      valuta: 0,
      discountDays: 0,
      discountPercent: 0,
      timeForPaymentAllowedDays: 0,
      isLead: false,
      options: options.map((o) => ({
        id: S.nextId('contactOption', 1),
        contactId: id,
        ...o,
        createdAt: at,
        updatedAt: at,
      })),
    };
    S.contacts.set(id, c);
    res.json(c);
  });

  route(r, ctx, 'get', '/rest/accounts/contacts', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    let list = [...S.contacts.values()];
    // contactEmail: "resembling" (case-insensitive contains); email: exact
    if (q.contactEmail)
      list = list.filter((c) => (c.email ?? '').toLowerCase().includes(q.contactEmail!.toLowerCase()));
    if (q.email) list = list.filter((c) => (c.email ?? '').toLowerCase() === q.email!.toLowerCase());
    if (q.externalId) list = list.filter((c) => c.externalId === q.externalId);
    if (q.number) list = list.filter((c) => c.number === q.number);
    if (q.plentyId) list = list.filter((c) => String(c.plentyId) === q.plentyId);
    if (q.typeId) list = list.filter((c) => String(c.typeId) === q.typeId);
    if (q.contactId) list = list.filter((c) => String(c.id) === q.contactId);
    res.json(
      paginate(
        req,
        list.map((c) => contactView(ctx, c, req)),
        50,
        250,
      ),
    );
  });

  route(r, ctx, 'get', '/rest/accounts/contacts/:contactId', (req, res) => {
    const c = S.contacts.get(Number(req.params.contactId));
    if (!c) return notFound(res);
    res.json(contactView(ctx, c, req));
  });

  route(r, ctx, 'put', '/rest/accounts/contacts/:contactId', (req, res) => {
    const c = S.contacts.get(Number(req.params.contactId));
    if (!c) return notFound(res);
    const b = (req.body ?? {}) as Record<string, unknown>;
    for (const k of ['firstName', 'lastName', 'lang', 'lastOrderAt', 'externalId', 'title', 'gender'])
      if (k in b) c[k] = b[k];
    c.fullName = `${c.firstName ?? ''} ${c.lastName ?? ''}`.trim();
    c.updatedAt = plentyTime(ctx.now());
    res.json(c);
  });

  // contact addresses, with Plenty's de-duplication: an identical address is re-linked, not duplicated
  route(r, ctx, 'post', '/rest/accounts/contacts/:contactId/addresses', (req, res) => {
    const contactId = Number(req.params.contactId);
    if (!S.contacts.has(contactId)) return notFound(res);
    const v = new Validation();
    const typeId = v.int(
      'typeId',
      req.query.typeId ?? (req.body as Record<string, unknown> | undefined)?.typeId,
      { required: true, min: 1, max: 8 },
    );
    const isPrimary = v.bool('isPrimary', req.query.isPrimary) ?? false;
    const input = addressInput(ctx, v, req.body);
    if (v.failed || !input) return v.send(res);
    const links = S.contactAddressLinks.get(contactId) ?? [];
    S.contactAddressLinks.set(contactId, links);
    const key = dedupKey(input);
    const existing = links.map((l) => S.addresses.get(l.addressId)!).find((a) => a && dedupKey(a) === key);
    const address = existing ?? createAddress(ctx, input);
    if (!links.some((l) => l.addressId === address.id && l.typeId === typeId))
      links.push({ addressId: address.id, typeId: typeId!, isPrimary });
    res.json(address);
  });

  route(r, ctx, 'get', '/rest/accounts/contacts/:contactId/addresses{/:addressTypeId}', (req, res) => {
    const contactId = Number(req.params.contactId);
    if (!S.contacts.has(contactId)) return notFound(res);
    const type = req.params.addressTypeId ? Number(req.params.addressTypeId) : undefined;
    const links = (S.contactAddressLinks.get(contactId) ?? []).filter(
      (l) => type === undefined || l.typeId === type,
    );
    res.json([...new Set(links.map((l) => l.addressId))].map((id) => S.addresses.get(id)));
  });

  route(r, ctx, 'post', '/rest/accounts/addresses', (req, res) => {
    const v = new Validation();
    const input = addressInput(ctx, v, req.body);
    if (v.failed || !input) return v.send(res);
    res.json(createAddress(ctx, input));
  });

  route(r, ctx, 'get', '/rest/accounts/addresses/:addressId', (req, res) => {
    const a = S.addresses.get(Number(req.params.addressId));
    if (!a) return notFound(res);
    res.json(a);
  });
}
