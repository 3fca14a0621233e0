/**
 * Drives the Twilio Flex connector against spec-driven stand-ins of Twilio's three APIs and prints
 * each step's result; the stand-ins log every request with `valid` and the schema errors. A
 * development check, not a test (it needs the vendor spec files and a stand-in server, which a
 * fresh clone does not have).
 *
 *   node spec-mock-server.cjs twilio_conversations_v1.json 4511 conv.log &
 *   node spec-mock-server.cjs twilio_flex_v1.json 4512 flex.log &
 *   node spec-mock-server.cjs twilio_taskrouter_v1.json 4513 taskrouter.log &
 *   npx tsx scripts/spec-check-twilio-flex.mts [conversationsUrl flexUrl taskrouterUrl]
 *
 * Stand-ins answer with the spec's example bodies, so the second pass uses an identity prefix that
 * makes the example participant ("IDENTITY") the customer: its status call then goes on to TaskRouter.
 */
import { createTwilioFlexConnector, type TwilioFlexSettingsInput } from '../connectors/twilio-flex/index.ts';
import { testConnectorRuntime } from '../src/testing/index.ts';

const [conversations = 'http://127.0.0.1:4511', flex = 'http://127.0.0.1:4512', taskrouter = 'http://127.0.0.1:4513'] =
  process.argv.slice(2);
const base: TwilioFlexSettingsInput = {
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  authToken: '0123456789abcdef0123456789abcdef',
  workspaceSid: 'WS0123456789abcdef0123456789abcdef',
  workflowSid: 'WW0123456789abcdef0123456789abcdef',
  queueSid: 'WQ0123456789abcdef0123456789abcdef',
  webhookUrl: 'https://gateway.example.com/webhooks/twilio',
  conversationsBaseUrl: conversations,
  flexBaseUrl: flex,
  taskrouterBaseUrl: taskrouter,
  closedTimer: 'P1D',
};

async function step(name: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    console.log(name, JSON.stringify(await fn()));
  } catch (error) {
    console.log(name, 'ERROR', (error as Error).message);
  }
}

const first = createTwilioFlexConnector(base, testConnectorRuntime());
let id = '';
await step('availability', () => first.doCheckAvailability({ routing: {} }));
await step('start', async () => {
  const result = await first.doStartHandover({
    idempotencyKey: 'spec-1',
    user: { id: 'u1', name: 'Jane', email: 'jane@example.com' },
    routing: { queue: 'WQ0123456789abcdef0123456789abcdef', skills: ['billing'], languages: ['de'], priority: 'high' },
    transcript: [
      { role: 'user', text: 'hi' },
      { role: 'bot', text: 'hello' },
    ],
    customAttributes: { plan: 'gold' },
    locale: 'de-DE',
  });
  id = result.conversationId;
  return result;
});
await step('send', () =>
  first.doSendMessage({ conversationId: id, messageId: 'm1', user: { id: 'u1' }, text: 'hello agent' }),
);
await step('send system', () =>
  first.doSendMessage({ conversationId: id, messageId: 'm2', user: { id: 'u1' }, text: 'left', kind: 'system' }),
);
await step('status', () => first.doGetStatus({ conversationId: id }));
await step('close', () => first.doCloseHandover({ conversationId: id, reason: 'bot-closed', message: 'bye' }));
await first.dispose();

const second = createTwilioFlexConnector(
  { ...base, apiKeySid: 'SK0123456789abcdef0123456789abcdef', apiKeySecret: 'secret', identityPrefix: 'IDENT' },
  testConnectorRuntime(),
);
await step('status (queue path)', () => second.doGetStatus({ conversationId: 'CHaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }));
await step('close (no state record)', () =>
  second.doCloseHandover({ conversationId: 'CHaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', reason: 'bot-closed' }),
);
await second.dispose();
