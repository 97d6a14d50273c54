/**
 * The spawn relay's child (see spawn-relay.ts): a small Node process that starts ffmpeg/ffprobe for
 * the render process, so that the large render process is never forked. Plain JavaScript, run
 * with no loader, so it stays small (forking it for each tool is what is cheap).
 *
 * Messages in: { id, exe, args, env, stdin?: socket path } to start a tool (its stdin is that unix
 * socket, connected here and handed to the tool, so frames go from the renderer straight to the
 * tool), { kill: id } to stop one. Messages out: { id, spawned: true } once started, then
 * { id, code, signal, stdout, stderr } when it has ended (stdout collected unless stdin was streamed).
 */
import { spawn } from 'node:child_process';
import net from 'node:net';

const running = new Map();

function start(msg) {
  const launch = (stdin) => {
    let child;
    try {
      child = spawn(msg.exe, msg.args, { env: msg.env, cwd: msg.cwd, stdio: [stdin ?? 'ignore', 'pipe', 'pipe'] });
    } catch (err) {
      process.send({ id: msg.id, code: -1, signal: null, stdout: Buffer.alloc(0), stderr: String(err) });
      return;
    }
    // The tool has its own copy of the socket: this one is closed so the tool's end is the only reader.
    stdin?.destroy();
    running.set(msg.id, child);
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    let done = false;
    const finish = (code, signal, extra) => {
      if (done) return;
      done = true;
      running.delete(msg.id);
      process.send({ id: msg.id, code: code ?? -1, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') + extra });
    };
    // A tool that could not be started (no such file) ends here; one that ran ends on 'close'.
    child.on('error', (e) => child.pid === undefined && finish(-1, null, String(e)));
    child.on('close', (code, signal) => finish(code, signal, ''));
    process.send({ id: msg.id, spawned: true });
  };
  if (!msg.stdin) return launch(null);
  const sock = net.connect(msg.stdin);
  // Nothing is read here: the renderer writes only once the tool has been started.
  sock.pause();
  sock.once('connect', () => launch(sock));
  sock.once('error', (e) => process.send({ id: msg.id, code: -1, signal: null, stdout: Buffer.alloc(0), stderr: `cannot connect the tool's input: ${e.message}` }));
}

process.on('message', (msg) => {
  if (msg.kill !== undefined) running.get(msg.kill)?.kill('SIGKILL');
  else start(msg);
});

// The renderer is gone: so are its tools.
process.on('disconnect', () => {
  for (const child of running.values()) child.kill('SIGKILL');
  process.exit(0);
});
