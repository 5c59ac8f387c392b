// The benchmark's load generator: cycles through the request bodies of a JSON plan with autocannon and prints
// autocannon's result as JSON on stdout, with how many answers carried GraphQL errors ("graphqlErrors"), every
// answer's latency in ms ("samples": autocannon's histogram has no p95), the wall time ("elapsedSeconds") and
// this process' own CPU seconds from /proc/self/stat while it drove the load ("cpuSeconds"), so a saturated
// generator is visible.
//
//   node drive.mjs plan.json
//   plan: {"url", "connections", "duration": seconds | "amount": requests, "requests": [{"body", "headers"}],
//          "clockTicks": the kernel's clock ticks per second}
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const bodies = plan.requests.map((r) => ({
  body: JSON.stringify(r.body),
  headers: { 'content-type': 'application/json', ...r.headers },
}));
let next = 0;
let graphqlErrors = 0;
let firstError = null;
const samples = [];

const options = {
  url: plan.url,
  connections: plan.connections,
  method: 'POST',
  timeout: 30,
  sampleInt: 100, // its 1 s default adds up to a second to every run's end
  requests: [{
    setupRequest: (request, context) => {
      context.sentAt = process.hrtime.bigint();
      const chosen = bodies[next++ % bodies.length];
      return { ...request, method: 'POST', body: chosen.body, headers: chosen.headers };
    },
    onResponse: (status, body, context) => {
      samples.push(Number(process.hrtime.bigint() - context.sentAt) / 1e6);
      if (body.includes('"errors"')) {
        graphqlErrors += 1;
        firstError ??= body.slice(0, 500);
      }
    },
  }],
};
if (plan.amount) options.amount = plan.amount;
else options.duration = plan.duration;

function cpuSeconds() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(')').pop().trim().split(' ');
  return (Number(fields[11]) + Number(fields[12])) / plan.clockTicks;
}

const cpuBefore = cpuSeconds(); // Node's start and autocannon's import are not the load's cost
const started = process.hrtime.bigint();
const result = await autocannon(options);
const elapsedSeconds = Number(process.hrtime.bigint() - started) / 1e9; // autocannon's own "duration" ticks by 1 s
process.stdout.write(JSON.stringify({ ...result, graphqlErrors, firstError, samples, elapsedSeconds,
  cpuSeconds: cpuSeconds() - cpuBefore }));
