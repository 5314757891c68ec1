// A minimal editor: spawns the real server (`netc lsp --stdio`) and speaks Content-Length framed JSON-RPC to it over stdio, as VS Code or Neovim do.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

interface Message {
  readonly id?: number | string;
  readonly method?: string;
  readonly params?: unknown;
  readonly result?: unknown;
  readonly error?: { code: number; message: string };
}

export interface Notification {
  readonly method: string;
  readonly params: any;
}

export class LspClient {
  readonly notifications: Notification[] = [];
  stderr = "";
  private nextId = 1;
  private buffer = Buffer.alloc(0);
  /** Messages held back by `burst`, written together. */
  private held: Buffer[] | undefined;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners: (() => boolean)[] = [];
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
    child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
    void this.exited.then(() => {
      for (const { reject } of this.waiting.values()) reject(new Error(`server exited; stderr: ${this.stderr}`));
      this.waiting.clear();
    });
  }

  /** `netc lsp --stdio` as editors start it. */
  static start(): LspClient {
    const args = [join(repoRoot, "bin/netc.js"), "lsp", "--stdio"];
    return new LspClient(spawn(process.execPath, args, { cwd: repoRoot, stdio: "pipe" }));
  }

  request<R = any>(method: string, params: unknown): Promise<R> {
    const id = this.nextId++;
    const answer = new Promise<R>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
    });
    this.send({ jsonrpc: "2.0", id, method, params });
    return answer;
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: "2.0", method, params });
  }

  /** The first notification (already received or still to come) that matches. */
  waitFor(method: string, match: (params: any) => boolean = () => true, timeoutMs = 10_000): Promise<any> {
    const find = () => this.notifications.find((n) => n.method === method && match(n.params));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${method} within ${timeoutMs} ms; stderr: ${this.stderr}`)),
        timeoutMs,
      );
      const check = (): boolean => {
        const found = find();
        if (!found) return false;
        clearTimeout(timer);
        resolve(found.params);
        return true;
      };
      if (!check()) this.listeners.push(check);
    });
  }

  /** Sends shutdown then exit, as an editor does, and returns the exit code. */
  async stop(): Promise<number | null> {
    await this.request("shutdown", null);
    this.notify("exit", null);
    return this.exited;
  }

  /** Closes the server's stdin (the editor went away) and returns the exit code. */
  async closeInput(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited;
  }

  kill(): void {
    this.child.kill();
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends every message `run` sends in one write, as a fast typist's editor does: the server
   * reads them together, so the test does not depend on how busy the machine is. */
  burst(run: () => void): void {
    this.held = [];
    try {
      run();
    } finally {
      const held = this.held;
      this.held = undefined;
      this.child.stdin.write(Buffer.concat(held));
    }
  }

  private send(message: object): void {
    const body = Buffer.from(JSON.stringify(message), "utf8");
    const framed = Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, "ascii"), body]);
    if (this.held) this.held.push(framed);
    else this.child.stdin.write(framed);
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString("ascii");
      const length = Number(/Content-Length: (\d+)/i.exec(header)?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8");
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(JSON.parse(body) as Message);
    }
  }

  private dispatch(message: Message): void {
    if (message.method !== undefined && message.id !== undefined) {
      // A request from the server (e.g. client/registerCapability): accept it.
      this.send({ jsonrpc: "2.0", id: message.id, result: null });
    } else if (message.method !== undefined) {
      this.notifications.push({ method: message.method, params: message.params });
      for (let i = this.listeners.length - 1; i >= 0; i--) if (this.listeners[i]!()) this.listeners.splice(i, 1);
    } else if (typeof message.id === "number") {
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.error) waiter?.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
      else waiter?.resolve(message.result);
    }
  }
}

/** The `initialize` handshake with the capabilities an editor announces. */
export async function initialize(client: LspClient, initializationOptions?: object): Promise<any> {
  const result = await client.request("initialize", {
    processId: process.pid,
    rootUri: null,
    ...(initializationOptions ? { initializationOptions } : {}),
    capabilities: {
      textDocument: {
        publishDiagnostics: { relatedInformation: true, versionSupport: true, tagSupport: { valueSet: [1, 2] } },
        hover: { contentFormat: ["markdown", "plaintext"] },
        completion: { completionItem: { snippetSupport: true } },
        rename: { prepareSupport: true },
        documentSymbol: { hierarchicalDocumentSymbolSupport: true },
        inlayHint: {},
      },
    },
  });
  client.notify("initialized", {});
  return result;
}
