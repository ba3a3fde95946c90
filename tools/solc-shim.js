#!/usr/bin/env node
// Native-solc look-alike on top of npm solc-js.
//
// py-solc-x (ape-solidity), forge and slither expect a native `solc` binary.
// None can be downloaded on these machines, so this script answers the two
// CLI modes those tools use (`--version` and `--standard-json`) byte for byte
// like native solc, with no extra lines, and writes every byte of the output
// before exiting (Node truncates piped stdout near 64 KiB on process.exit()).
"use strict";

const fs = require("fs");
const path = require("path");

const projectRoot = path.resolve(__dirname, "..");
const solc = require(path.join(projectRoot, "node_modules", "solc"));

function writeAllAndExit(text, code) {
  process.exitCode = code;
  process.stdout.write(text);
}

function nativeVersionString() {
  // solc-js reports e.g. "0.8.28+commit.7893614a.Emscripten.clang"; native
  // builds report the platform instead. Tools parse only the semver + commit.
  return solc.version().replace(/\.Emscripten\.clang$/, ".Linux.g++");
}

function parseArgs(argv) {
  const opts = { standardJson: false, version: false, inputFile: null, basePath: null, includePaths: [], allowPaths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const takeValue = () => {
      if (arg.includes("=")) return arg.slice(arg.indexOf("=") + 1);
      i += 1;
      return argv[i];
    };
    if (arg === "--version") opts.version = true;
    else if (arg === "--standard-json") opts.standardJson = true;
    else if (arg.startsWith("--base-path")) opts.basePath = takeValue();
    else if (arg.startsWith("--include-path")) opts.includePaths.push(takeValue());
    else if (arg.startsWith("--allow-paths")) opts.allowPaths.push(...String(takeValue()).split(","));
    else if (arg === "--no-import-callback" || arg === "--pretty-json" || arg === "--json-indent") continue;
    else if (!arg.startsWith("-")) opts.inputFile = arg;
  }
  return opts;
}

function importResolver(opts) {
  const roots = [opts.basePath, ...opts.includePaths, process.cwd(), projectRoot]
    .filter(Boolean)
    .map((p) => path.resolve(p));
  return (importPath) => {
    const candidates = path.isAbsolute(importPath) ? [importPath] : roots.map((r) => path.join(r, importPath));
    for (const candidate of candidates) {
      try {
        return { contents: fs.readFileSync(candidate, "utf8") };
      } catch (_) {
        // try the next root
      }
    }
    return { error: `File not found: ${importPath}` };
  };
}

// solc-js passes the standard JSON to soljson through emscripten's cwrap, which copies a string argument onto
// the wasm stack (5 MiB) at up to 4 bytes per character: an input above about 1.3 million characters (this
// project's, once the pool and perp sources joined) overflows it, and soljson then crashes with "memory
// access out of bounds" or spins forever. So the input goes on the heap and solidity_compile is called
// directly, with the same import callback and the same cleanup (solidity_reset) as solc-js.
const soljson = require(path.join(projectRoot, "node_modules", "solc", "soljson.js"));

function toHeapString(text) {
  const size = soljson.lengthBytesUTF8(text) + 1;
  const pointer = soljson._solidity_alloc(size);
  soljson.stringToUTF8(text, pointer, size);
  return pointer;
}

function compileOnHeap(input, resolve) {
  const callback = soljson.addFunction((context, kind, data, contents, error) => {
    const kindText = soljson.UTF8ToString(kind);
    if (kindText !== "source") {
      soljson.setValue(error, toHeapString(`solc-shim: unsupported callback kind ${kindText}`), "*");
      return;
    }
    const result = resolve(soljson.UTF8ToString(data));
    if (typeof result.contents === "string") soljson.setValue(contents, toHeapString(result.contents), "*");
    if (typeof result.error === "string") soljson.setValue(error, toHeapString(result.error), "*");
  }, "viiiii");
  try {
    return soljson.UTF8ToString(soljson._solidity_compile(toHeapString(input), callback, 0));
  } finally {
    soljson.removeFunction(callback);
    soljson._solidity_reset();
  }
}

function main() {
  if (process.env.SOLC_SHIM_DEBUG) fs.appendFileSync(process.env.SOLC_SHIM_DEBUG, JSON.stringify({ argv: process.argv, cwd: process.cwd() }) + "\n");
  const opts = parseArgs(process.argv.slice(2));
  if (opts.version) {
    writeAllAndExit(`solc, the solidity compiler commandline interface\nVersion: ${nativeVersionString()}\n`, 0);
    return;
  }
  if (!opts.standardJson) {
    process.stderr.write("solc-shim: only --version and --standard-json are supported\n");
    process.exitCode = 1;
    return;
  }
  const input = opts.inputFile ? fs.readFileSync(opts.inputFile, "utf8") : fs.readFileSync(0, "utf8");
  const output = compileOnHeap(input, importResolver(opts));
  writeAllAndExit(output + "\n", 0);
}

main();
