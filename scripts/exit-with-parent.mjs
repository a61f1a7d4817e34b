// Preloaded (`node --import`) into the processes `npm start` supervises (scripts/services.ts). Each
// leads its own process group and holds an IPC channel to the supervisor, which closes when the
// supervisor exits, however it exits (a SIGKILL too). Then the whole group — this process and what it
// started, such as workerd — is asked to stop (SIGTERM, so the process shuts down as on a Ctrl-C), and
// is killed when this process exits or after a grace period, whichever comes first.
const GRACE_MS = 5000;

function signalGroup(signal) {
  try {
    process.kill(-process.pid, signal);
  } catch {
    process.kill(process.pid, signal);
  }
}

if (process.channel) {
  process.once('disconnect', () => {
    process.once('exit', () => signalGroup('SIGKILL'));
    setTimeout(() => signalGroup('SIGKILL'), GRACE_MS).unref();
    signalGroup('SIGTERM');
  });
  // Listening for the close must not keep an otherwise finished process alive.
  process.channel.unref();
}
