import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A real OCI registry (Debian's docker-registry) on 127.0.0.1, for tests; undefined when not installed. */
export async function startRegistry(): Promise<{ host: string; stop: () => void } | undefined> {
  const port = await new Promise<number>((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const p = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(p));
    });
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'warmbuild-registry-'));
  const config = path.join(dir, 'config.yml');
  writeFileSync(config, `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  let child: ChildProcess;
  try {
    child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const failed = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(true));
    const started = Date.now();
    const poll = (): void => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => (Date.now() - started > 10_000 ? resolve(true) : setTimeout(poll, 100)));
    };
    poll();
  });
  const stop = (): void => {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  if (failed) {
    stop();
    return undefined;
  }
  return { host: `127.0.0.1:${port}`, stop };
}
