import { execFileSync } from 'node:child_process';

function ip(...args: string[]): void {
  try {
    execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const stderr = String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim();
    throw new Error(`ip ${args.join(' ')} failed (the chaos suite needs root and iproute2): ${stderr}`, { cause: e });
  }
}

/**
 * A network namespace for one worker, joined to the host by two veth pairs: one that carries its
 * traffic with the master and the other workers (`cluster`), one that carries its Redis traffic
 * (`redis`). `cut()` takes the cluster link down, so the worker is partitioned from the master
 * and its peers (packets vanish, connections hang as in a real partition) while it still reaches
 * Redis: whatever it writes late must be fenced. Needs root and iproute2.
 */
export class NetNamespace {
  readonly name: string;
  /** Host side of the cluster link (the master listens here too) and the worker's side. */
  readonly hostClusterIp: string;
  readonly workerIp: string;
  /** Host side of the Redis link: Redis binds it; the worker reaches Redis through it. */
  readonly hostRedisIp: string;
  private readonly clusterDev: string;
  private readonly redisDev: string;
  private isCut = false;

  private constructor(tag: string, octet: number) {
    this.name = `kchaos-${tag}`;
    this.clusterDev = `kc${tag}c`;
    this.redisDev = `kc${tag}r`;
    this.hostClusterIp = `10.${octet}.1.1`;
    this.workerIp = `10.${octet}.1.2`;
    this.hostRedisIp = `10.${octet}.2.1`;
  }

  /** A fresh namespace whose names and addresses come from this process id (parallel runs do not collide). */
  static create(): NetNamespace {
    const tag = String(process.pid % 100_000);
    const n = new NetNamespace(tag, 64 + (process.pid % 160));
    n.destroy();
    ip('netns', 'add', n.name);
    n.pair(n.clusterDev, n.hostClusterIp, n.workerIp);
    n.pair(n.redisDev, n.hostRedisIp, `10.${n.hostRedisIp.split('.')[1]}.2.2`);
    ip('netns', 'exec', n.name, 'ip', 'link', 'set', 'lo', 'up');
    return n;
  }

  private pair(dev: string, hostIp: string, nsIp: string): void {
    ip('link', 'add', dev, 'type', 'veth', 'peer', 'name', `${dev}n`);
    ip('link', 'set', `${dev}n`, 'netns', this.name);
    ip('addr', 'add', `${hostIp}/30`, 'dev', dev);
    ip('link', 'set', dev, 'up');
    ip('netns', 'exec', this.name, 'ip', 'addr', 'add', `${nsIp}/30`, 'dev', `${dev}n`);
    ip('netns', 'exec', this.name, 'ip', 'link', 'set', `${dev}n`, 'up');
  }

  /** The command prefix that runs a program inside the namespace. */
  exec(): string[] {
    return ['netns', 'exec', this.name];
  }

  get cut(): boolean {
    return this.isCut;
  }

  /** Partitions the worker from the master and its peers; Redis stays reachable. */
  partition(): void {
    ip('link', 'set', this.clusterDev, 'down');
    this.isCut = true;
  }

  heal(): void {
    ip('link', 'set', this.clusterDev, 'up');
    this.isCut = false;
  }

  destroy(): void {
    for (const args of [['link', 'del', this.clusterDev], ['link', 'del', this.redisDev], ['netns', 'del', this.name]]) {
      try {
        ip(...args);
      } catch {
        // not there
      }
    }
  }
}
