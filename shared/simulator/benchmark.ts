/**
 * Prints the simulator's startup time and list latency (not a test). Run:
 *   npx tsx shared/simulator/benchmark.ts [invoiceCount]
 */
import { startSimulator } from './index';

async function main(): Promise<void> {
  const invoices = Number(process.argv[2] ?? 100_000);
  let t = performance.now();
  const small = await startSimulator({ rateLimit: false });
  console.log(`startup, 20 records x 25 objects: ${(performance.now() - t).toFixed(0)} ms`);
  await small.close();

  t = performance.now();
  const sim = await startSimulator({ rateLimit: false, records: { invoices } });
  console.log(
    `startup, ${invoices} invoices: ${(performance.now() - t).toFixed(0)} ms, heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`,
  );
  const token = (await (
    await fetch(`${sim.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=sim-client&client_secret=sim-secret',
    })
  ).json()) as { access_token: string };
  const headers = { authorization: `Bearer ${token.access_token}` };
  const since = encodeURIComponent(new Date(Date.now() - 10 * 86_400_000).toISOString());
  const cases: Record<string, string> = {
    'updated_at[gt] + order_by=updated_at, page 1': `/api/invoices?updated_at[gt]=${since}&order_by=updated_at&dir=asc`,
    'updated_at[gt] + order_by=updated_at, offset 5000': `/api/invoices?updated_at[gt]=${since}&order_by=updated_at&offset=5000`,
    'updated_at[gt], default order (id)': `/api/invoices?updated_at[gt]=${since}`,
    'default list, page 1': '/api/invoices',
    'exported=false&status[in]=approved,voided (id order, stops after 50 matches)':
      '/api/invoices?exported=false&status[in]=approved,voided',
    'invoice_number=<last> (full scan, attributes generated one by one)': `/api/invoices?invoice_number=INV-${String(invoices).padStart(6, '0')}`,
    'order_by=invoice_number (scan + sort)': '/api/invoices?order_by=invoice_number&limit=50',
    'fields=["id","updated-at"], updated-at paging': `/api/invoices?updated_at[gt]=${since}&order_by=updated_at&fields=${encodeURIComponent('["id","updated-at"]')}`,
  };
  for (const [name, path] of Object.entries(cases)) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      const res = await fetch(sim.baseUrl + path, { headers });
      await res.arrayBuffer();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    console.log(`${name}: min ${times[0]!.toFixed(1)}, median ${times[2]!.toFixed(1)} ms (of 5)`);
  }
  await sim.close();
}

void main();
