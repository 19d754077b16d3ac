import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';

/** What a page did while headless Chromium loaded it. */
export interface PageReport {
  consoleErrors: string[];
  /** Requests for anything but the page itself and data: URIs. */
  externalRequests: string[];
  /** Result of the expression evaluated after load. */
  value: unknown;
}

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--remote-debugging-port=0',
];

function devtoolsUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`chromium did not start: ${seen}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`chromium exited with ${code}: ${seen}`)));
  });
}

/** A minimal DevTools protocol client over one WebSocket, flat sessions. */
class Cdp {
  private next = 1;
  private readonly pending = new Map<number, (message: Record<string, unknown>) => void>();
  readonly events: { method: string; params: Record<string, unknown> }[] = [];
  private readonly waiters: { method: string; resolve: () => void }[] = [];

  constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      if (typeof message.id === 'number') this.pending.get(message.id)?.(message);
      else if (typeof message.method === 'string') {
        this.events.push({
          method: message.method,
          params: message.params as Record<string, unknown>,
        });
        for (const w of this.waiters.filter((x) => x.method === message.method)) w.resolve();
      }
    });
  }

  send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<Record<string, unknown>> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (message) => {
        if (message.error) reject(new Error(`${method}: ${JSON.stringify(message.error)}`));
        else resolve(message.result as Record<string, unknown>);
      });
      this.socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  }

  waitFor(method: string, timeoutMs = 30_000): Promise<void> {
    if (this.events.some((e) => e.method === method)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${method} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        method,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

/**
 * Open a local HTML file in headless Chromium (Debian's /usr/bin/chromium), collect console
 * errors and any network request, evaluate an expression and write a full-page screenshot.
 */
export async function inspectPage(
  htmlPath: string,
  screenshot: string,
  expression: string,
): Promise<PageReport> {
  const profile = await mkdtemp(join(tmpdir(), 'slidepack-chromium-'));
  const child = spawn(
    '/usr/bin/chromium',
    [...FLAGS, `--user-data-dir=${profile}`, 'about:blank'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  try {
    const socket = new WebSocket(await devtoolsUrl(child));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const cdp = new Cdp(socket);
    const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = (await cdp.send('Target.attachToTarget', {
      targetId,
      flatten: true,
    })) as { sessionId: string };
    for (const domain of ['Runtime', 'Log', 'Network', 'Page'])
      await cdp.send(`${domain}.enable`, {}, sessionId);
    await cdp.send(
      'Emulation.setDeviceMetricsOverride',
      { width: 1200, height: 900, deviceScaleFactor: 1, mobile: false },
      sessionId,
    );
    await cdp.send('Page.navigate', { url: pathToFileURL(htmlPath).href }, sessionId);
    await cdp.waitFor('Page.loadEventFired');
    const evaluated = await cdp.send(
      'Runtime.evaluate',
      { expression, returnByValue: true },
      sessionId,
    );
    const shot = await cdp.send(
      'Page.captureScreenshot',
      { format: 'png', captureBeyondViewport: true },
      sessionId,
    );
    await writeFile(screenshot, Buffer.from(String(shot.data), 'base64'));
    socket.close();
    return report(cdp.events, htmlPath, (evaluated.result as { value?: unknown }).value);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) =>
      child.exitCode !== null ? resolve(null) : child.once('exit', resolve),
    );
    await rm(profile, { recursive: true, force: true });
  }
}

function report(events: Cdp['events'], htmlPath: string, value: unknown): PageReport {
  const consoleErrors: string[] = [];
  const externalRequests: string[] = [];
  const own = pathToFileURL(htmlPath).href;
  for (const { method, params } of events) {
    if (method === 'Runtime.exceptionThrown')
      consoleErrors.push(JSON.stringify(params.exceptionDetails));
    if (method === 'Runtime.consoleAPICalled' && params.type === 'error')
      consoleErrors.push(JSON.stringify(params.args));
    const entry = params.entry as { level?: string; text?: string } | undefined;
    if (method === 'Log.entryAdded' && entry?.level === 'error')
      consoleErrors.push(entry.text ?? '');
    const url = (params.request as { url?: string } | undefined)?.url;
    if (method === 'Network.requestWillBeSent' && url && url !== own && !url.startsWith('data:'))
      externalRequests.push(url);
  }
  return { consoleErrors, externalRequests, value };
}
