import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlinkRestClient, FlinkUnreachableError } from '../../../functions/flink/index.js';
import { makePki } from '../../support/pki.js';

describe('FlinkRestClient over TLS', () => {
  let pki: ReturnType<typeof makePki>;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    pki = makePki(mkdtempSync(join(tmpdir(), 'fjc-pki-')));
    server = createServer(
      {
        key: pki.serverKey,
        cert: pki.serverCert,
        ca: pki.ca,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ 'flink-version': '2.3.0' }));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const attempt = async (options: ConstructorParameters<typeof FlinkRestClient>[0]) => {
    const client = new FlinkRestClient({
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      ...options,
    });
    try {
      return await client.getConfig();
    } finally {
      await client.close();
    }
  };

  it('talks mutual TLS with a private CA and a client certificate', async () => {
    await expect(
      attempt({
        baseUrl: url,
        tls: { caPem: pki.ca, certPem: pki.clientCert, keyPem: pki.clientKey },
      }),
    ).resolves.toMatchObject({ 'flink-version': '2.3.0' });
  });

  it('refuses a server its CA bundle does not vouch for', async () => {
    const error = await attempt({
      baseUrl: url,
      tls: { certPem: pki.clientCert, keyPem: pki.clientKey },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkUnreachableError);
    expect((error as Error).message).toMatch(/certificate/i);
  });

  it('says a certificate does not name the host without repeating the names it lists', async () => {
    // The names come from the server's certificate: text the far side chose.
    const error = await attempt({
      baseUrl: url.replace('127.0.0.1', 'localhost'),
      tls: { caPem: pki.ca, certPem: pki.clientCert, keyPem: pki.clientKey },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkUnreachableError);
    expect((error as Error).message).toMatch(
      /unreachable: its certificate does not name this host \(ERR_TLS_CERT_ALTNAME_INVALID\)$/,
    );
    expect((error as Error).message).not.toContain('IP Address');
  });

  it('fails cleanly when the server demands a client certificate it does not get', async () => {
    const error = await attempt({ baseUrl: url, tls: { caPem: pki.ca } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkUnreachableError);
    expect(JSON.stringify(error)).not.toContain('PRIVATE KEY');
  });
});
