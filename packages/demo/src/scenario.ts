import type { Lookups, ScopeSettings } from '@mpc/core';
import { migrate } from '@mpc/db';
import {
  catalogFromOrders,
  defaultCatalog,
  type GenerateOrdersOptions,
  generateMagentoOrders,
  type MagentoOrder,
  type MagentoSandbox,
  type PlentySandbox,
  type PlentySandboxOptions,
  startMagentoSandbox,
  startPlentySandbox,
} from '@mpc/sandbox';
import { type Pipeline, type PipelineOptions, startPipeline } from './pipeline';
import { setupProfile } from './profile-setup';
import { testEnv, uniquePrefix } from './testing';

export interface ScenarioOptions {
  orders: MagentoOrder[] | GenerateOrdersOptions;
  plenty?: Omit<PlentySandboxOptions, 'faults'>;
  /** Plenty faults, switched on once the profile is set up (lookups are collected without them) */
  faults?: PlentySandboxOptions['faults'];
  pipeline?: Partial<PipelineOptions>;
  /** settings per scope; `default` is merged over the demo defaults derived from the lookups */
  scopes?: Record<string, ScopeSettings>;
  cronExpression?: string;
  active?: boolean;
}

export interface Scenario {
  magento: MagentoSandbox;
  plenty: PlentySandbox;
  pipeline: Pipeline;
  profileId: number;
  lookups: Lookups;
  prefix: string;
  close(): Promise<void>;
}

/** Sandboxes with a shop, the services in this process and an active profile: tests and benchmarks. */
export async function startScenario(opts: ScenarioOptions): Promise<Scenario> {
  await migrate({ databaseUrl: testEnv.databaseUrl, createDatabase: true });
  const orders = Array.isArray(opts.orders) ? opts.orders : generateMagentoOrders(opts.orders);
  const magento = await startMagentoSandbox({ orders });
  // generated shops: Plenty knows every product of the generator (orders added later map too)
  const catalog = Array.isArray(opts.orders) ? catalogFromOrders(orders) : defaultCatalog();
  const plenty = await startPlentySandbox({ catalog, ...opts.plenty });
  const prefix = uniquePrefix('scenario');
  const pipeline = await startPipeline({
    databaseUrl: testEnv.databaseUrl,
    redisUrl: testEnv.redisUrl,
    secretsKey: testEnv.secretsKey,
    prefix,
    logLevel: process.env.LOG_LEVEL ?? 'error',
    ...opts.pipeline,
  });
  const { profileId, lookups } = await setupProfile(pipeline.prisma, pipeline.secrets, {
    magento: { baseUrl: magento.url, accessToken: 'sandbox-integration-token' },
    plenty: { baseUrl: plenty.url, username: 'api-user', password: 'api-pass' },
    cronExpression: opts.cronExpression ?? '*/2 * * * * *',
    active: opts.active ?? true,
    ...(opts.scopes ? { scopes: opts.scopes } : {}),
  });
  if (opts.faults) plenty.configure({ faults: opts.faults });
  // what the API does after a profile change: notify the scheduler
  await pipeline.queues.control.add('profile-changed', { kind: 'profile-changed', profileId });
  return {
    magento,
    plenty,
    pipeline,
    profileId,
    lookups,
    prefix,
    close: async () => {
      await pipeline.prisma.profile
        .update({ where: { id: profileId }, data: { status: 'inactive' } })
        .catch(() => {});
      await pipeline.scheduler.reconcile().catch(() => {});
      await Promise.all(
        [pipeline.queues.collect, pipeline.queues.export, pipeline.queues.control].map((q) =>
          q.obliterate({ force: true }).catch(() => {}),
        ),
      );
      await pipeline.close();
      await magento.close();
      await plenty.close();
    },
  };
}
