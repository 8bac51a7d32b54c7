// Build the chat page: app.js (src/main.js with amazon-connect-chatjs, one minified IIFE),
// app.css and index.html. Deterministic: the same sources give byte-identical files, so the CDK
// asset hash (and a deployment) changes only when the page does.
//
// Usage: node web/chat-page/build.mjs [--outdir DIR]   (default web/chat-page/dist; make chat-page)
// AICC_NODE_MODULES names the node_modules holding esbuild and amazon-connect-chatjs when this
// checkout has none (a `git worktree` synthesized with another checkout's tools).

import { copyFile, mkdir, rename, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const nodeModules = resolve(process.env.AICC_NODE_MODULES || join(here, "..", "..", "node_modules"));
const { default: esbuild } = await import(pathToFileURL(join(nodeModules, "esbuild", "lib", "main.js")).href);

const { values } = parseArgs({ options: { outdir: { type: "string", default: join(here, "dist") } } });
const outdir = resolve(values.outdir);
// Built beside the target and renamed into place: a reader never sees a half-built page.
const partial = `${outdir}.partial-${process.pid}`;
await rm(partial, { recursive: true, force: true });
await mkdir(partial, { recursive: true });

const common = {
  bundle: true,
  minify: true,
  sourcemap: false,
  legalComments: "none",
  charset: "utf8", // Korean text stays readable (and smaller) in the bundle
  logLevel: "warning",
  absWorkingDir: here,
  nodePaths: [nodeModules],
};

try {
  await esbuild.build({
    ...common,
    entryPoints: [join(here, "src", "main.js")],
    outfile: join(partial, "app.js"),
    format: "iife",
    platform: "browser",
    target: "es2020",
    define: { "process.env.NODE_ENV": '"production"' },
  });
  await esbuild.build({ ...common, entryPoints: [join(here, "styles.css")], outfile: join(partial, "app.css") });
  // No config.json here: CloudFront's comes with the deployment, the local server serves its own.
  await copyFile(join(here, "index.html"), join(partial, "index.html"));
  await rm(outdir, { recursive: true, force: true });
  await rename(partial, outdir);
} catch (error) {
  await rm(partial, { recursive: true, force: true });
  console.error(`chat page build failed: ${error.message.split("\n")[0]}`);
  process.exit(1);
}
console.log(`chat page built into ${outdir}`);
