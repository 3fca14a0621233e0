/**
 * One gateway process for the chaos test (run with `node --import tsx`): Redis-backed, delivering
 * to the fake Cognigy, with the `sim` provider taking signed webhooks. Short leases and timer locks
 * so that work held by a killed instance is taken over within about a second. Prints `READY <url>`.
 * Env: REDIS_URL, REDIS_PREFIX, COGNIGY_URL, COGNIGY_KEY, WEBHOOK_SECRET, NODES_KEY.
 */
import { Redis } from 'ioredis';
import { createGateway } from '../../../src/gateway';
import { RedisScheduler } from '../../../src/gateway/redis/scheduler';
import { SimulatedCenters, simulatedConnector } from '../../../connectors/simulated';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const url = env('REDIS_URL');
const prefix = env('REDIS_PREFIX');
const redis = new Redis(url, { maxRetriesPerRequest: 2 });
redis.on('error', () => {});
const connect = () => {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  connection.on('error', () => {});
  return connection;
};

const gateway = await createGateway({
  connectors: [simulatedConnector({ centers: new SimulatedCenters() }) as never],
  keys: { nodes: [env('NODES_KEY')], admin: [] },
  port: 0,
  redis: { url, prefix },
  encryptionKeys: [{ kid: 'chaos', key: Buffer.alloc(32, 9) }],
  scheduler: new RedisScheduler({ redis, connect, prefix, lockMs: 1_000 }),
  cognigy: { apiBaseUrl: env('COGNIGY_URL'), apiKey: env('COGNIGY_KEY'), timeoutMs: 2_000 },
  logLevel: 'silent',
  providers: [
    {
      id: 'sim',
      name: 'Simulated',
      type: 'simulated',
      settings: { delivery: 'webhook', webhookSecret: env('WEBHOOK_SECRET') },
    },
  ],
  outbox: { baseDelayMs: 20, maxDelayMs: 200, leaseMs: 1_000, pollMs: 50 },
  events: { leaseMs: 1_000, pollMs: 50, orphanWindowMs: 5_000 },
});
process.stdout.write(`READY ${await gateway.listen()}\n`);
process.on('SIGTERM', () => void gateway.close().then(() => process.exit(0)));
