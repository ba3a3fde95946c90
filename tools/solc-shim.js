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
  const text = opts.inputFile ? fs.readFileSync(opts.inputFile, "utf8") : fs.readFileSync(0, "utf8");
  // Re-serialize compactly before compiling. soljson 0.8.28 corrupts its memory on some large inputs:
  // the 1.31 MB standard JSON py-solc-x wrote for this project (indented, \u-escaped) crashed it with
  // "memory access out of bounds" when run alone and spun forever under this shim, while the same
  // input without the whitespace compiled in 44 s. A compact input is also the smallest one.
  let input = text;
  try {
    input = JSON.stringify(JSON.parse(text));
  } catch (_) {
    // not JSON: let solc report the parse error in its own words
  }
  const output = solc.compile(input, { import: importResolver(opts) });
  writeAllAndExit(output + "\n", 0);
}

main();
