import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FakeAliyunSmsServerOptions } from '../../libs/testing/src/fake-vendors/aliyun-sms-server';

export type FakeAliyunAsk = {
  id: number;
  type: 'count' | 'clear' | 'messages' | 'sendCalls' | 'hangNextSend' | 'close';
  accept?: boolean;
};

/** A message as the remote fake recorded it; times in epoch ms on the fake's clock (the same host). */
export interface RemoteAliyunMessage {
  phone: string;
  /** When the fake accepted it (after reading the body and checking the signature). */
  sentAt: number;
  /** When the request carrying it reached the fake (headers in). */
  arrivedAt: number;
}

/**
 * The fake Aliyun server in its own process (aliyun-fake.process.ts), asked over IPC. `processDir`
 * is where the compiled aliyun-fake.process.js lives (benches: their own dist directory; the chaos
 * test under Jest: `<root>/dist/bench/outreach`, which `npm run build:server` writes).
 */
export class RemoteFakeAliyun {
  private next = 1;
  private readonly waiting = new Map<number, (v: unknown) => void>();
  private constructor(
    private readonly child: ChildProcess,
    readonly endpoint: string,
  ) {
    child.on('message', (m: { id: number; value: unknown }) => {
      this.waiting.get(m.id)?.(m.value);
      this.waiting.delete(m.id);
    });
  }

  /** The fake's process id (its CPU time is part of a fan-out's cost). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  static start(processDir = __dirname, options?: FakeAliyunSmsServerOptions): Promise<RemoteFakeAliyun> {
    const child = fork(join(processDir, 'aliyun-fake.process.js'), [], {
      env: { ...process.env, ...(options ? { FAKE_ALIYUN_OPTIONS: JSON.stringify(options) } : {}) },
    });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) =>
        reject(new Error(`fake Aliyun process exited with ${code} before it listened`)),
      );
      child.once('message', (m: { value: string }) => {
        child.removeAllListeners('exit');
        resolve(new RemoteFakeAliyun(child, m.value));
      });
    });
  }

  ask<T>(type: FakeAliyunAsk['type'], extra: Omit<FakeAliyunAsk, 'id' | 'type'> = {}): Promise<T> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve as (v: unknown) => void);
      this.child.send({ id, type, ...extra });
    });
  }

  messages(): Promise<RemoteAliyunMessage[]> {
    return this.ask('messages');
  }

  sendCalls(): Promise<number> {
    return this.ask('sendCalls');
  }

  /** The next SendBatchSms call never answers; `accept`: the fake recorded its messages first. */
  hangNextSend(opts: { accept: boolean }): Promise<boolean> {
    return this.ask('hangNextSend', opts);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || !this.child.connected) return;
    await this.ask('close');
  }
}
