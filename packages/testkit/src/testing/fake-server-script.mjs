// A stand-in for the built server in the process-helper tests: `serve` listens on a free loopback port
// and prints the same `listening on` line; FAKE_MODE makes it fail, hang or leave a grandchild behind.
import { spawn } from "node:child_process";
import { createServer } from "node:http";

const mode = process.env.FAKE_MODE ?? "ok";
if (mode === "exit") {
  console.error("refusing to start: set CMP_API_KEYS");
  process.exit(3);
}
if (mode === "silent") {
  setInterval(() => {}, 1000);
} else {
  if (mode === "grandchild") {
    const grandchild = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    console.log(`grandchild ${grandchild.pid}`);
  }
  console.error(
    `args ${process.argv.slice(2).join(" ")} cwd ${process.cwd()} umask ${process.umask().toString(8)}`,
  );
  const server = createServer((_req, res) => res.end("ok"));
  server.listen(0, "127.0.0.1", () => {
    console.log(`listening on http://127.0.0.1:${server.address().port}`);
  });
  process.once("SIGTERM", () => {
    console.log("draining");
    server.close(() => process.exit(0));
  });
}
