import { buildExportPlan, type ExportPlan, type MagentoOrder, mapOrderStatus, requiredSkus } from '@mpc/core';
import {
  loadProfileContext,
  type OrderSync,
  type OrderSyncRepository,
  type PlentyIds,
  type PrismaClient,
  type ProfileContext,
  type SecretBox,
  settingsForStore,
} from '@mpc/db';
import type { ExportJob } from '@mpc/queue';
import type { Logger } from '@mpc/runtime';
import { type CallCount, countCalls, newCallCount } from './call-counter';
import { classifyError, SkipError } from './errors';
import type { PlentySystem, PlentySystems } from './plenty-systems';
import { type StepHistory, StepStore } from './step-store';

export interface MagentoOrderReader {
  getOrder(id: number): Promise<MagentoOrder>;
}

export interface ExportDeps {
  prisma: PrismaClient;
  secrets: SecretBox;
  orderSyncs: OrderSyncRepository;
  plenty: PlentySystems;
  magento: (ctx: ProfileContext) => MagentoOrderReader;
  logger: Logger;
  /** how long a claim holds a row before another job may take it over */
  leaseMs?: number;
  /** profile contexts are cached this long (a settings change applies to the next export after it) */
  contextTtlMs?: number;
  /** the step machine's bookkeeping statements (default: on `prisma`) */
  stepStore?: StepStore;
}

export interface AttemptInfo {
  /** the BullMQ job id: with `delivery` the claim holder, so a re-delivered job takes its own row over */
  jobId: string;
  /** this delivery of the job (BullMQ's lock token): fences an earlier delivery still running */
  delivery?: string;
  /** attempts made before this one */
  attemptsMade: number;
  maxAttempts: number;
}

export type ExportOutcome =
  | { outcome: 'complete' | 'updated' | 'skipped' | 'failed' | 'noop'; message: string; calls: CallCount }
  /** try again later: `delayMs` set → wait without using an attempt (rate limit, open breaker, row held) */
  | { outcome: 'retry'; message: string; delayMs?: number; calls: CallCount };

/** Order property 10 (order reference): finds a payment that has no transaction id after a crash. */
const ORDER_REFERENCE_PROPERTY = 10;
const SETTLED_FOR_EXPORT = ['complete', 'updated'] as const;

/**
 * One `T` per database client: a process talking to two databases (the benchmarks) keeps them
 * apart, and the exports of one process share it.
 */
function perClient<T>(create: (prisma: PrismaClient) => T): (prisma: PrismaClient) => T {
  const made = new WeakMap<PrismaClient, T>();
  return (prisma) => {
    let value = made.get(prisma);
    if (value === undefined) {
      value = create(prisma);
      made.set(prisma, value);
    }
    return value;
  };
}

const contextCacheOf = perClient(() => new Map<number, { at: number; ctx: Promise<ProfileContext> }>());
/** the exports running at once share its batches */
const stepStoreOf = perClient((prisma) => new StepStore(prisma));

async function profileContext(deps: ExportDeps, profileId: number): Promise<ProfileContext> {
  const ttl = deps.contextTtlMs ?? 5000;
  const contextCache = contextCacheOf(deps.prisma);
  const hit = contextCache.get(profileId);
  if (hit && Date.now() - hit.at < ttl) return hit.ctx;
  const ctx = loadProfileContext(deps.prisma, deps.secrets, profileId);
  contextCache.set(profileId, { at: Date.now(), ctx });
  ctx.catch(() => contextCache.delete(profileId));
  return ctx;
}

/**
 * Exports one order as a resumable step machine (DESIGN.md): claim; contact; billing and
 * delivery address; order; payment; payment ↔ order and payment ↔ contact relations; complete.
 * Every id Plenty returns for a create is written to the OrderSync row at once, and the order
 * and payment steps are marked `sent` before their create calls, so a retry resumes at the first
 * step without an id and looks up (instead of creating again) only what an interrupted attempt
 * may have created (StepRunner says which writes wait for the next statement, and why).
 */
export async function exportOrder(
  deps: ExportDeps,
  job: ExportJob,
  attempt: AttemptInfo,
): Promise<ExportOutcome> {
  const calls = newCallCount();
  return countCalls(calls, () => run(deps, job, attempt, calls));
}

async function run(
  deps: ExportDeps,
  job: ExportJob,
  attempt: AttemptInfo,
  calls: CallCount,
): Promise<ExportOutcome> {
  const { profileId, magentoOrderId } = job;
  const log = deps.logger.child({ profileId, orderId: magentoOrderId, jobId: attempt.jobId });
  const leaseMs = deps.leaseMs ?? 120_000;
  const settled = job.action === 'status' ? [] : [...SETTLED_FOR_EXPORT];
  const claimedAt = performance.now();
  const holder = attempt.delivery ? `${attempt.jobId}#${attempt.delivery}` : attempt.jobId;
  const claim = await deps.orderSyncs.claim(profileId, magentoOrderId, holder, leaseMs, settled);
  if (!claim.claimed) {
    if (claim.reason === 'held') {
      const wait = Math.max(1000, (claim.row?.claimedUntil?.getTime() ?? Date.now()) - Date.now() + 500);
      return { outcome: 'retry', message: 'another job is exporting this order', delayMs: wait, calls };
    }
    // a duplicate delivery of an order that is already settled, or a row deleted meanwhile
    return {
      outcome: 'noop',
      message: claim.reason === 'settled' ? 'already exported' : 'no sync row',
      calls,
    };
  }
  let row = claim.row;
  let ctx: ProfileContext | undefined;
  /** writes what the step runner found but has not written yet (an attempt that ends early) */
  let writeHeldBack: (() => Promise<void>) | undefined;
  try {
    ctx = await profileContext(deps, profileId);
    const order = await deps.magento(ctx).getOrder(magentoOrderId);
    const settings = settingsForStore(ctx, order.store_id).settings;
    if (!ctx.lookups)
      throw new SkipError(
        'lookups have not been collected for this profile: collect them (POST /profiles/{id}/lookups)',
      );
    const system = deps.plenty.get(ctx.plenty);

    if (job.action === 'status') {
      return await updateStatus(deps, system, row, order, ctx, settings, calls, log);
    }

    const variations = await resolveVariations(system, requiredSkus(order));
    const mapped = buildExportPlan({ order, settings, lookups: ctx.lookups, variations });
    if (!mapped.ok) throw new SkipError(mapped.reason);
    const plan = mapped.plan;
    for (const warning of plan.warnings)
      await deps.orderSyncs.addHistory(row, { status: 'processing', action: 'map', message: warning });

    const steps = new StepRunner(deps.stepStore ?? stepStoreOf(deps.prisma), {
      holder,
      leaseMs,
      claimedAt,
      logBodies: settings.export.logResponse,
      // the steps this plan runs, in order: recording one marks the next sent in the same statement
      steps: [
        plan.contact && 'contact',
        'billing',
        plan.deliveryAddress && 'delivery',
        'order',
        plan.payment && 'payment',
        plan.payment && 'payment-order',
        plan.payment && plan.contact && 'payment-contact',
      ].filter((s): s is string => typeof s === 'string'),
      row: () => row,
      setRow: (r) => (row = r),
    });
    writeHeldBack = () => steps.writeHeldBack();

    // 2. contact: stored id, else cached or found by e-mail, else create (guest: none)
    let contactId: number | null = null;
    let contactCreated = false;
    if (plan.contact) {
      const contact = plan.contact;
      const email = plan.email ?? '';
      const contactKey = [email.toLowerCase(), plan.plentyId];
      // one worker at a time per customer: orders of a new customer must not create two contacts
      contactId = await system.cache.withLock('contact', contactKey, () =>
        steps.run('contact', 'plentyContactId', {
          find: async () => {
            const cached = await system.cache.get('contact', contactKey);
            if (cached) return cached;
            const found = email ? await system.call((c) => c.findContactByEmail(email, plan.plentyId)) : null;
            return found?.id ?? null;
          },
          findBeforeCreate: true,
          create: async () => {
            contactCreated = true;
            const created = await system.call((c) => c.createContact(contact));
            return { id: created.id, request: contact, response: created };
          },
          after: (id) => system.cache.set('contact', contactKey, id),
        }),
      );
    }

    // 3./4. addresses: one id when delivery = billing; contact addresses are cached per contact
    const addressStep = (
      which: 'billing' | 'delivery',
      payload: ExportPlan['billingAddress'],
      typeId: 1 | 2,
    ) => {
      const cacheKey = [contactId, typeId, payload];
      return steps.run(which, which === 'billing' ? 'plentyBillingAddressId' : 'plentyShippingAddressId', {
        find: async () => {
          if (!contactId) return null;
          const cached = await system.cache.get('address', cacheKey);
          if (cached) return cached;
          // a known customer whose cached ids expired: one read of the contact's addresses of this
          // type instead of a write (Plenty would de-duplicate the address, but the POST costs budget)
          if (contactCreated) return null;
          return findContactAddress(system, contactId, typeId, payload);
        },
        findBeforeCreate: true,
        create: async () => {
          const created = await system.call((c) =>
            contactId ? c.createContactAddress(contactId, typeId, payload) : c.createAddress(payload),
          );
          return { id: created.id, request: payload, response: created };
        },
        after: (id) => (contactId ? system.cache.set('address', cacheKey, id) : Promise.resolve()),
      });
    };
    const billingId = await addressStep('billing', plan.billingAddress, 1);
    const deliveryId = plan.deliveryAddress
      ? await addressStep('delivery', plan.deliveryAddress, 2)
      : billingId;

    // 5. order: stored id, else (after an interrupted create) found by external order id + plentyId
    const orderBody = {
      ...plan.order,
      addressRelations: [
        { typeId: 1, addressId: billingId },
        { typeId: 2, addressId: deliveryId },
      ],
      relations: contactId
        ? [{ referenceType: 'contact' as const, referenceId: contactId, relation: 'receiver' as const }]
        : [],
    };
    const plentyOrderId = await steps.run('order', 'plentyOrderId', {
      find: async () => {
        const found = await system.call((c) => c.findOrdersByExternalId(plan.incrementId, plan.plentyId));
        return found[0]?.id ?? null;
      },
      create: async () => {
        const created = await system.call((c) => c.createOrder(orderBody));
        return { id: created.id, request: orderBody, response: created };
      },
    });

    // 6.–8. payment and its relations
    if (plan.payment) {
      const payment = plan.payment;
      const reference = payment.transactionId
        ? { typeId: 1, value: payment.transactionId }
        : { typeId: ORDER_REFERENCE_PROPERTY, value: plan.incrementId };
      const payload = {
        ...payment.payload,
        properties: payment.payload.properties.some((p) => p.typeId === reference.typeId)
          ? payment.payload.properties
          : [...payment.payload.properties, reference],
      };
      const paymentId = await steps.run('payment', 'plentyPaymentId', {
        find: async () => {
          const found = await system.call((c) => c.findPaymentsByProperty(reference.typeId, reference.value));
          return found.find((p) => p.mopId == null || p.mopId === payment.mopId)?.id ?? null;
        },
        create: async () => {
          const created = await system.call((c) => c.createPayment(payload));
          return { id: created.id, request: payload, response: created };
        },
      });
      // relations are assignments (a payment has one order and one contact): re-sending one is harmless
      await steps.run('payment-order', 'plentyPaymentOrderAssignmentId', {
        create: async () => {
          const rel = await system.call((c) => c.createPaymentOrderRelation(paymentId, plentyOrderId));
          return { id: rel.id ?? paymentId, response: rel };
        },
      });
      if (contactId) {
        await steps.run('payment-contact', 'plentyPaymentContactAssignmentId', {
          create: async () => {
            const rel = await system.call((c) => c.createPaymentContactRelation(paymentId, contactId!));
            return { id: rel.id ?? paymentId, response: rel };
          },
        });
      }
    }

    // 9. complete
    const statusName = ctx.lookups.plenty.orderStatuses.find((s) => s.id === plan.statusId)?.name ?? null;
    const message = `exported as Plenty order ${plentyOrderId} (${calls.writes} writes, ${calls.reads} reads)`;
    // final ids, `complete`, the released claim and the history rows: one statement
    row = await steps.complete(
      {
        // delivery = billing: one address id for both relations
        ...(plan.deliveryAddress ? {} : { plentyShippingAddressId: deliveryId }),
        plentyStatusId: plan.statusId,
        plentyStatusName: statusName,
        plentyReferrerId: plan.referrerId,
        plentyPaymentMethodId: plan.payment?.mopId ?? null,
        plentyPaymentStatusId: plan.payment?.payload.status ?? null,
      },
      { action: 'complete', message, plentyOrderId },
    );
    log.info('order exported', { plentyOrderId, writes: calls.writes, reads: calls.reads });
    return { outcome: 'complete', message, calls };
  } catch (err) {
    if (err instanceof LeaseLostError) {
      // the row belongs to another job now: leave it alone
      log.warn('claim lost to another job, stopping', { orderId: magentoOrderId });
      return { outcome: 'noop', message: err.message, calls };
    }
    try {
      await writeHeldBack?.();
    } catch (e) {
      log.warn('could not write the ids found before the attempt ended', { err: e });
    }
    return settle(deps, row, err, attempt, calls, log);
  }
}

/** Assignments: a payment has one order and one contact, so sending one again changes nothing. */
const RELATIONS = new Set(['payment-order', 'payment-contact']);

export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor() {
    super('the claim on this order expired and another job took it over');
  }
}

/** Append mode: an exported order whose Magento status changed gets the mapped status in Plenty. */
async function updateStatus(
  deps: ExportDeps,
  system: PlentySystem,
  row: OrderSync,
  order: MagentoOrder,
  ctx: ProfileContext,
  settings: ReturnType<typeof settingsForStore>['settings'],
  calls: CallCount,
  log: Logger,
): Promise<ExportOutcome> {
  if (!row.plentyOrderId) {
    await deps.orderSyncs.release(row, 'status change noted before the order was exported');
    return { outcome: 'noop', message: 'order not exported yet', calls };
  }
  const statusId = mapOrderStatus(order.status ?? '', settings);
  if (statusId == null)
    throw new SkipError(`Magento status "${order.status}" is not mapped: add it to the status mapping`);
  const plentyOrderId = row.plentyOrderId;
  if (row.plentyStatusId !== statusId) await system.call((c) => c.updateOrderStatus(plentyOrderId, statusId));
  const statusName = ctx.lookups?.plenty.orderStatuses.find((s) => s.id === statusId)?.name ?? null;
  const updated = await deps.prisma.orderSync.update({
    where: { id: row.id },
    data: { plentyStatusId: statusId, plentyStatusName: statusName, magentoStatus: order.status ?? null },
  });
  const message = `Plenty status set to ${statusId}${statusName ? ` (${statusName})` : ''} after Magento status changed to ${order.status}`;
  await deps.orderSyncs.finish(updated, 'updated', message, { action: 'status', plentyOrderId });
  log.info('order status updated', { plentyOrderId, statusId });
  return { outcome: 'updated', message, calls };
}

/** Ends an attempt that threw: skipped, failed, or back to the queue. */
async function settle(
  deps: ExportDeps,
  row: OrderSync,
  err: unknown,
  attempt: AttemptInfo,
  calls: CallCount,
  log: Logger,
): Promise<ExportOutcome> {
  const c = classifyError(err);
  if (c.kind === 'skip' || c.kind === 'fail') {
    const status = c.kind === 'skip' ? 'skipped' : 'failed';
    await deps.orderSyncs.finish(row, status, c.message, { action: 'export', response: c.details });
    log.warn(`order ${status}`, { reason: c.message });
    return { outcome: status, message: c.message, calls };
  }
  if (c.kind === 'wait') {
    await deps.orderSyncs.release(row, `waiting: ${c.message}`);
    return { outcome: 'retry', message: c.message, delayMs: c.delayMs, calls };
  }
  // transient: retried with backoff until the attempts are used up
  if (attempt.attemptsMade + 1 >= attempt.maxAttempts) {
    const message = `gave up after ${attempt.maxAttempts} attempts: ${c.message}`;
    await deps.orderSyncs.finish(row, 'failed', message, { action: 'export' });
    log.error('order failed', { reason: c.message });
    return { outcome: 'failed', message, calls };
  }
  await deps.orderSyncs.release(row, `attempt ${attempt.attemptsMade + 1} failed, retrying: ${c.message}`);
  await deps.orderSyncs.addHistory(row, { status: 'processing', action: 'retry', message: c.message });
  log.warn('export attempt failed, will retry', { reason: c.message });
  return { outcome: 'retry', message: c.message, calls };
}

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

/** Plenty's own notion of "the same address" (its de-duplication): fields, country, state and options. */
export function addressIdentity(a: Record<string, unknown>): string {
  const options = ((a.options as { typeId: unknown; value: unknown }[] | undefined) ?? [])
    .map((o) => `${Number(o.typeId)}=${String(o.value ?? '')}`)
    .sort();
  return JSON.stringify([
    ...ADDRESS_FIELDS.map((f) =>
      String(a[f] ?? '')
        .trim()
        .toLowerCase(),
    ),
    Number(a.countryId),
    a.stateId ?? null,
    options,
  ]);
}

/** The id of an address of the contact (of this relation type) identical to `payload`, or null. */
async function findContactAddress(
  system: PlentySystem,
  contactId: number,
  typeId: number,
  payload: ExportPlan['billingAddress'],
): Promise<number | null> {
  const list = (await system.call((c) => c.getContactAddresses(contactId, typeId))) as Record<
    string,
    unknown
  >[];
  const wanted = addressIdentity(payload as Record<string, unknown>);
  const hit = list.find((a) => a && addressIdentity(a) === wanted);
  return hit ? Number(hit.id) : null;
}

/** SKU → variation id through the shared cache; only SKUs not cached cost Plenty reads. */
async function resolveVariations(system: PlentySystem, skus: string[]): Promise<Map<string, number>> {
  const distinct = [...new Set(skus)];
  const cached = await system.cache.getMany('sku', distinct);
  const result = new Map<string, number>();
  const missing: string[] = [];
  distinct.forEach((sku, i) => {
    const id = cached[i];
    if (id != null) result.set(sku, id);
    else missing.push(sku);
  });
  if (missing.length) {
    const found = await system.call((c) => c.findVariationIdsBySku(missing));
    for (const [sku, id] of found) {
      result.set(sku, id);
      await system.cache.set('sku', sku, id);
    }
  }
  return result;
}

type IdField = keyof Pick<
  PlentyIds,
  | 'plentyContactId'
  | 'plentyBillingAddressId'
  | 'plentyShippingAddressId'
  | 'plentyOrderId'
  | 'plentyPaymentId'
  | 'plentyPaymentOrderAssignmentId'
  | 'plentyPaymentContactAssignmentId'
>;

interface StepSpec {
  /** looks up what an interrupted attempt may have created (or, with findBeforeCreate, what exists) */
  find?: () => Promise<number | null>;
  /** look up before every create, not only after an interrupted one (contacts: reuse customers) */
  findBeforeCreate?: boolean;
  create: () => Promise<{ id: number; request?: unknown; response?: unknown }>;
  after?: (id: number) => Promise<void>;
}

export interface StepRunnerOptions {
  /** the claim holder (job id) */
  holder: string;
  leaseMs: number;
  /** performance.now() just before the claim: the lease is proved from then on */
  claimedAt: number;
  /** store request/response bodies on history rows (the profile's logResponse) */
  logBodies: boolean;
  /** the plan's steps in the order they run */
  steps: string[];
  row: () => OrderSync;
  setRow: (row: OrderSync) => void;
}

/**
 * Runs the plan's steps with as few Postgres statements as the guarantees allow:
 * - every create but a relation follows a statement that marked its step sent while this job
 *   held the row (a retry looks up only what may have been sent; a worker that lost the row
 *   sends nothing); recording a created id marks the next step in the same statement, so that
 *   step needs no statement of its own;
 * - what needs no statement now waits for the next one: ids that were found (a cached or looked
 *   up contact or address: the same lookup finds them again after a crash) and relations (an
 *   assignment sent twice changes nothing), written with the next mark, record or completion.
 */
export class StepRunner {
  /** steps an earlier attempt marked sent: only these need a lookup before their create */
  private readonly sentBefore: ReadonlySet<string>;
  /** steps this runner marked sent through a statement that found the claim still held */
  private readonly markedHere = new Set<string>();
  /** when this job last proved it holds the row (claim or record), performance.now() */
  private heldAt: number;
  /** ids and history rows held back for the next statement */
  private pending: { ids: PlentyIds; history: StepHistory[] } = { ids: {}, history: [] };

  constructor(
    private readonly store: StepStore,
    private readonly opts: StepRunnerOptions,
  ) {
    this.sentBefore = new Set(opts.row().sentSteps);
    this.heldAt = opts.claimedAt;
  }

  async run(name: string, field: IdField, spec: StepSpec): Promise<number> {
    if (!this.opts.steps.includes(name)) throw new Error(`step ${name} is not in the plan's steps`);
    const stored = this.opts.row()[field];
    if (stored) return stored;
    const interrupted = this.sentBefore.has(name);
    if (spec.find && (interrupted || spec.findBeforeCreate)) {
      const found = await spec.find();
      if (found) {
        this.holdBack(field, found, {
          action: name,
          message: interrupted
            ? `found ${name} ${found} created by an interrupted attempt`
            : `reusing ${name} ${found}`,
        });
        await spec.after?.(found);
        return found;
      }
    }
    // a create needs this job's claim proved by the statement just before it (the one that
    // marked this step) and not long ago: a re-delivery of the job may take the row over at any
    // time, and an earlier attempt's mark proves nothing. Relations need no proof: an
    // assignment sent by a worker that lost the row changes nothing.
    const proved = this.markedHere.has(name) && performance.now() - this.heldAt <= this.opts.leaseMs / 4;
    if (!RELATIONS.has(name) && !proved) await this.write({ markSent: name });
    const created = await spec.create();
    const history = this.history(name, `created ${name} ${created.id}`, created);
    if (RELATIONS.has(name)) this.holdBack(field, created.id, history);
    else {
      const next = this.opts.steps[this.opts.steps.indexOf(name) + 1];
      await this.write({ ids: { [field]: created.id }, history, ...(next ? { markSent: next } : {}) });
    }
    await spec.after?.(created.id);
    return created.id;
  }

  /**
   * An attempt that ends early (skipped, failed, retried) still writes what it found, so the row
   * shows e.g. the Plenty order an interrupted attempt had created.
   */
  async writeHeldBack(): Promise<void> {
    if (this.pending.history.length) await this.write({});
  }

  /** The held-back ids, the final ids, `complete`, the released claim and the history rows. */
  async complete(ids: PlentyIds, history: StepHistory): Promise<OrderSync> {
    const pending = this.pending;
    const row = await this.store.complete(this.opts.row().id, { ...pending.ids, ...ids }, [
      ...pending.history,
      history,
    ]);
    this.pending = { ids: {}, history: [] };
    this.opts.setRow(row);
    return row;
  }

  private history(
    name: string,
    message: string,
    bodies?: { request?: unknown; response?: unknown },
  ): StepHistory {
    return {
      action: name,
      message,
      ...(this.opts.logBodies && bodies
        ? { request: redactBody(bodies.request), response: redactBody(bodies.response) }
        : {}),
    };
  }

  private holdBack(field: IdField, id: number, history: StepHistory): void {
    this.pending.ids[field] = id;
    this.pending.history.push(history);
    this.opts.setRow({ ...this.opts.row(), [field]: id });
  }

  /**
   * One statement: the held-back and new ids (written even when the claim was lost: they are
   * facts about Plenty the next holder must not create again), their history, and while the
   * claim holds, the renewed lease and the next step's mark.
   */
  private async write(w: { ids?: PlentyIds; history?: StepHistory; markSent?: string }): Promise<void> {
    const proving = performance.now();
    const pending = this.pending;
    const { row, held } = await this.store.record(
      this.opts.row().id,
      { ...pending.ids, ...w.ids },
      [...pending.history, ...(w.history ? [w.history] : [])],
      {
        holder: this.opts.holder,
        leaseMs: this.opts.leaseMs,
        ...(w.markSent ? { markSent: w.markSent } : {}),
      },
    );
    this.pending = { ids: {}, history: [] };
    this.opts.setRow(row);
    // a worker whose claim expired and was taken over must not send anything more
    if (!held) throw new LeaseLostError();
    this.heldAt = proving;
    if (w.markSent) this.markedHere.add(w.markSent);
  }
}

/** Stored request/response bodies for debugging keep their shape but lose secrets. */
function redactBody(body: unknown): unknown {
  if (body === undefined) return undefined;
  return JSON.parse(
    JSON.stringify(body, (key, value) =>
      /token|password|secret|authorization/i.test(key) ? '[redacted]' : value,
    ),
  );
}
