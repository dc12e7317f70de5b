// Waits until the server answers GET <url> with 200, giving up after a bounded number of tries
// or as soon as the server process (pid) has exited. Exit code 0 when ready, 1 otherwise.
//
// usage: node wait-ready.mjs URL PID [SECONDS]

const [url, pidArg, secondsArg = '60'] = process.argv.slice(2);
const pid = Number(pidArg);
const deadline = Date.now() + Number(secondsArg) * 1000;

function alive() {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let last = 'no answer yet';
while (Date.now() < deadline) {
  if (!alive()) {
    console.error(`the server (pid ${pid}) exited before it was ready`);
    process.exit(1);
  }
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2000) });
    if (res.status === 200) process.exit(0);
    last = `HTTP ${res.status}`;
  } catch (e) {
    last = e.cause?.code ?? e.message;
  }
  await new Promise((r) => setTimeout(r, 100));
}
console.error(`${url} was not ready after ${secondsArg} s (last: ${last})`);
process.exit(1);
