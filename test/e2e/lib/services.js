'use strict';

/**
 * Throwaway Redis and PostgreSQL servers on loopback for n8n in queue mode (test/e2e/queue.e2e.js).
 *
 *   const redis = await startRedis();        // { host, port, stop() }
 *   const pg = await startPostgres();        // { host, port, user, database, env, stop() }
 *
 * Both come from Debian's packages, installed with apt-get when missing (we run as root; the
 * first install takes a minute). Each runs in the foreground under test/e2e/n8n.js's watchdog,
 * so it is stopped when stop() is called, and also when the test process goes away; its data
 * lives in a temp folder that stop() removes (and that the harness's reaper removes if the
 * process dies). PostgreSQL refuses to run as root: it runs as the `postgres` user the Debian
 * package creates, with trust authentication on 127.0.0.1 only, fsync off.
 */
const childProcess = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { getFreePort, spawnWatched } = require('../n8n.js');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function which(cmd) {
	const r = childProcess.spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
	return r.status === 0 ? r.stdout.trim() : null;
}

let aptUpdated = false;

/** `apt-get install -y <packages>` (quiet; `apt-get update` once per process first). */
function aptInstall(packages) {
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const run = (args) => {
		const r = childProcess.spawnSync('apt-get', args, { env, encoding: 'utf8', maxBuffer: 64 << 20 });
		if (r.status !== 0)
			throw new Error(`apt-get ${args.join(' ')} failed (${r.status}):\n${(r.stdout + r.stderr).slice(-3000)}`);
	};
	if (!aptUpdated) {
		run(['update', '-qq']);
		aptUpdated = true;
	}
	run(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
}

/** The folder with PostgreSQL's server binaries (initdb, postgres, pg_isready), newest version. */
function postgresBinDir() {
	const root = '/usr/lib/postgresql';
	let versions = [];
	try {
		versions = fs
			.readdirSync(root)
			.filter((v) => fs.existsSync(path.join(root, v, 'bin', 'postgres')))
			.sort((a, b) => Number(b) - Number(a));
	} catch {
		/* not installed */
	}
	return versions.length ? path.join(root, versions[0], 'bin') : null;
}

/** A temp folder the harness's reaper removes when this process goes away. */
function scratchDir(tag) {
	return fs.mkdtempSync(path.join(os.tmpdir(), `scantrust-e2e-i${process.pid}-${tag}-`));
}

function tcpSend(port, text, timeoutMs = 1000) {
	return new Promise((resolve) => {
		const sock = net.connect(port, '127.0.0.1');
		let out = '';
		const done = (v) => {
			sock.destroy();
			resolve(v);
		};
		sock.setTimeout(timeoutMs, () => done(null));
		sock.on('error', () => done(null));
		sock.on('connect', () => sock.write(text));
		sock.on('data', (d) => {
			out += d.toString('utf8');
			if (out.includes('\r\n')) done(out);
		});
	});
}

function stopper(handle, dir) {
	let stopped;
	return () => {
		if (!stopped) {
			stopped = (async () => {
				try {
					handle.proc.kill('SIGTERM');
				} catch {
					/* gone */
				}
				const timer = new Promise((r) => setTimeout(() => r(undefined), 20000).unref());
				if (!(await Promise.race([handle.done, timer]))) {
					try {
						handle.proc.kill('SIGKILL');
					} catch {
						/* gone */
					}
					await handle.done;
				}
				fs.rmSync(dir, { recursive: true, force: true });
			})();
		}
		return stopped;
	};
}

/**
 * redis-server on 127.0.0.1:<free port>, no persistence.
 * @returns {Promise<{ host: string, port: number, output: () => string, stop: () => Promise<void> }>}
 */
async function startRedis() {
	if (!which('redis-server')) aptInstall(['redis-server']);
	const port = await getFreePort();
	const dir = scratchDir('redis');
	const handle = spawnWatched(
		which('redis-server'),
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'],
		{ cwd: dir, env: { ...process.env }, timeoutMs: 60 * 60 * 1000, graceMs: 5000 },
	);
	const stop = stopper(handle, dir);
	const deadline = Date.now() + 20000;
	for (;;) {
		const pong = await tcpSend(port, 'PING\r\n');
		if (pong && pong.startsWith('+PONG')) break;
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`redis-server did not answer on ${port}:\n${handle.output().slice(-2000)}`);
		}
		await sleep(100);
	}
	return { host: '127.0.0.1', port, output: () => handle.output(), stop };
}

/**
 * A fresh PostgreSQL cluster (initdb) on 127.0.0.1:<free port>, run as the `postgres` user.
 * `env` holds n8n's DB_* variables for it.
 * @returns {Promise<{ host: string, port: number, user: string, database: string,
 *   env: Record<string, string>, output: () => string, stop: () => Promise<void> }>}
 */
async function startPostgres() {
	if (!postgresBinDir()) aptInstall(['postgresql']);
	const bin = postgresBinDir();
	if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
	const setpriv = which('setpriv');
	if (!setpriv) throw new Error('setpriv (util-linux) is needed to run PostgreSQL as a non-root user');
	const asPostgres = ['--reuid=postgres', '--regid=postgres', '--init-groups', '--'];
	const dir = scratchDir('pg');
	const data = path.join(dir, 'data');
	childProcess.spawnSync('chown', ['postgres:postgres', dir]);
	const init = childProcess.spawnSync(
		setpriv,
		[...asPostgres, path.join(bin, 'initdb'), '-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'],
		{ cwd: dir, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } },
	);
	if (init.status !== 0) {
		fs.rmSync(dir, { recursive: true, force: true });
		throw new Error(`initdb failed (${init.status}):\n${init.stdout}${init.stderr}`);
	}
	const port = await getFreePort();
	const handle = spawnWatched(
		setpriv,
		[
			...asPostgres,
			path.join(bin, 'postgres'),
			'-D', data,
			'-p', String(port),
			'-k', dir,
			'-c', 'listen_addresses=127.0.0.1',
			'-c', 'fsync=off',
			'-c', 'synchronous_commit=off',
			'-c', 'full_page_writes=off',
			'-c', 'max_connections=100',
		],
		{ cwd: dir, env: { ...process.env, LC_ALL: 'C' }, timeoutMs: 60 * 60 * 1000, graceMs: 10000 },
	);
	const stop = stopper(handle, dir);
	const deadline = Date.now() + 30000;
	for (;;) {
		const r = childProcess.spawnSync(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'], {
			encoding: 'utf8',
		});
		if (r.status === 0) break;
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`PostgreSQL did not get ready on ${port}:\n${handle.output().slice(-2000)}`);
		}
		await sleep(200);
	}
	const env = {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(port),
		DB_POSTGRESDB_DATABASE: 'postgres',
		DB_POSTGRESDB_USER: 'postgres',
		DB_POSTGRESDB_PASSWORD: 'not-checked-trust-auth',
	};
	return { host: '127.0.0.1', port, user: 'postgres', database: 'postgres', env, output: () => handle.output(), stop };
}

module.exports = { startRedis, startPostgres, aptInstall, which };
