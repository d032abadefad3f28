process.env.DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/mpc_bench_dev';
const { latencyBoundScenario, activate, collected } = await import('./src/throughput');
const { exporterFleet, sleep } = await import('./src/common');
const s = await latencyBoundScenario(400, 77);
await activate(s);
const ids = await collected(s);
const { spawn } = await import('node:child_process');
const { testEnv } = await import('@mpc/demo');
const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/prof', '--import', 'tsx', 'services/exporter/src/main.ts'], { cwd: '/work/main', stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DATABASE_URL: testEnv.databaseUrl, REDIS_URL: testEnv.redisUrl, SECRETS_KEY: testEnv.secretsKey, QUEUE_PREFIX: s.prefix, LOG_LEVEL: 'error', HEALTH_PORT: '0', EXPORTER_CONCURRENCY: '64', DATABASE_POOL_SIZE: '10' } });
const fleet = { stopAll: async () => { child.kill('SIGTERM'); await new Promise((r) => child.once('exit', r)); } };
const t = Date.now();
for (let k = 0; k < 600; k++) { const n = await s.pipeline.prisma.orderSync.count({ where: { profileId: s.profileId, status: { in: ['pending','processing'] } } }); if (n === 0) break; await sleep(200); }
console.log('orders', ids.length, 's', (Date.now()-t)/1000);
await fleet.stopAll('SIGTERM');
await s.close();
process.exit(0);
