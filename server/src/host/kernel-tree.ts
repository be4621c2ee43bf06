/**
 * @file A kernel checkout on disk, as the core's KernelTree. The text search is `git grep` when the tree
 * is a git checkout, GNU `grep -r` otherwise (neither follows symlinks out of the tree); results are
 * cached per tree revision (the HEAD commit, or the tree's top-level modification times). Every path is
 * resolved and kept inside the tree. Searches run synchronously (`mm-review check`) or in the background
 * (the editor), where `filesNaming` answers null until the search is done and `onReady` is called.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KernelTree } from '../kernel-tree';

/** A directory that looks like a Linux tree: what the editor's default requires. */
export function looksLikeKernelTree(dir: string): boolean {
  try {
    return ['MAINTAINERS', 'Kconfig'].every((f) => fs.statSync(path.join(dir, f)).isFile()) && ['mm', 'arch'].every((d) => fs.statSync(path.join(dir, d)).isDirectory());
  } catch {
    return false;
  }
}

const SOURCES = ['*.c', '*.h'];

export interface SearchStats {
  searches: number;
  ms: number;
}

export class DiskKernelTree implements KernelTree {
  readonly root: string;
  private readonly git: boolean;
  private readonly found = new Map<string, string[]>();
  private readonly running = new Map<string, Promise<void>>();
  /** Texts read, with the modification time and size they were read at: an edited file is read again. */
  private readonly texts = new Map<string, { stamp: string; text: string | null }>();
  private revisionKey: string;
  /** Bumped by forget(): a search that started before it does not store what it found. */
  private generation = 0;
  readonly stats: SearchStats = { searches: 0, ms: 0 };

  private readonly children = new Set<ReturnType<typeof spawn>>();

  /**
   * `events`: searches run as child processes in the background, `started` when one begins and `ready`
   * when it finishes (the editor); without, they run to completion before `filesNaming` returns (the
   * command line).
   */
  constructor(
    root: string,
    private readonly events: { started(): void; ready(): void } | null = null,
  ) {
    this.root = fs.realpathSync(root);
    this.git = fs.existsSync(path.join(this.root, '.git'));
    this.revisionKey = this.revision();
  }

  /**
   * What identifies the tree's contents, cheaply (a few reads, no process): in a git checkout HEAD's
   * commit and the index file's modification time (a checkout, commit or `git add` changes it); otherwise
   * the top-level entries' modification times.
   */
  revision(): string {
    if (this.git) {
      const gitDir = path.join(this.root, '.git');
      try {
        const head = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
        const ref = /^ref: (.+)$/.exec(head)?.[1];
        let commit = head;
        if (ref) {
          try {
            commit = fs.readFileSync(path.join(gitDir, ref), 'utf8').trim();
          } catch {
            commit = /^([0-9a-f]+) (.+)$/m.exec(fs.readFileSync(path.join(gitDir, 'packed-refs'), 'utf8').split('\n').find((l) => l.endsWith(` ${ref}`)) ?? '')?.[1] ?? ref;
          }
        }
        const index = fs.statSync(path.join(gitDir, 'index'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
        return `git:${commit}:${index}`;
      } catch {
        return 'git:?';
      }
    }
    return 'walk:' + fs.readdirSync(this.root).map((n) => `${n}:${fs.lstatSync(path.join(this.root, n)).mtimeMs}`).join(',');
  }

  /** Forgets what was found when the tree changed since (cheap to call before each analysis). */
  refresh(): void {
    const now = this.revision();
    if (now === this.revisionKey) return;
    this.revisionKey = now;
    this.forget();
  }

  /**
   * Forgets every search and text: what a revision does not show changed (a file edited in place, which
   * neither HEAD nor the top-level modification times tell). The editor calls it when it sees a C file of
   * the tree change.
   */
  forget(): void {
    this.generation++;
    this.found.clear();
    this.texts.clear();
  }

  filesNaming(names: readonly string[]): string[] | null {
    const key = [...names].sort().join('\u0000');
    const known = this.found.get(key);
    if (known) return known;
    if (!this.events) {
      const t0 = performance.now();
      const r = spawnSync(this.searchCommand(), this.searchArgs(names), { cwd: this.root, encoding: 'utf8', maxBuffer: 256 << 20 });
      this.stats.searches++;
      this.stats.ms += performance.now() - t0;
      const files = this.paths(r.stdout);
      this.found.set(key, files);
      return files;
    }
    if (!this.running.has(key)) {
      this.running.set(key, this.searchInBackground(key, names));
      this.events.started();
    }
    return null;
  }

  /** Searches under way. */
  get searching(): number {
    return this.running.size;
  }

  /** Stops the searches under way (the documents that wanted them were closed). */
  cancel(): void {
    for (const child of this.children) child.kill();
  }

  /** Waits for the searches under way (tests, benchmarks). */
  async settled(): Promise<void> {
    await Promise.all(this.running.values());
  }

  private searchInBackground(key: string, names: readonly string[]): Promise<void> {
    const t0 = performance.now();
    const generation = this.generation;
    return new Promise((resolve) => {
      const child = spawn(this.searchCommand(), this.searchArgs(names), { cwd: this.root });
      this.children.add(child);
      const chunks: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.on('close', (_code, signal) => {
        this.children.delete(child);
        this.running.delete(key);
        resolve();
        // A cancelled search leaves nothing behind: the next check starts it again.
        if (signal) return;
        this.stats.searches++;
        this.stats.ms += performance.now() - t0;
        // Found in a tree that has changed since: the next check searches again.
        if (generation === this.generation) this.found.set(key, this.paths(Buffer.concat(chunks).toString('utf8')));
        this.events?.ready();
      });
      child.on('error', () => {
        this.found.set(key, []);
        this.running.delete(key);
        resolve();
      });
    });
  }

  private searchCommand(): string {
    return this.git ? 'git' : 'grep';
  }

  private searchArgs(names: readonly string[]): string[] {
    const patterns = names.flatMap((n) => ['-e', n]);
    if (this.git) return ['grep', '-l', '-w', '-F', '--no-color', ...patterns, '--', ...SOURCES];
    return ['-r', '-l', '-w', '-F', ...SOURCES.map((s) => `--include=${s}`), ...patterns, '.'];
  }

  private paths(out: string): string[] {
    return out
      .split('\n')
      .filter(Boolean)
      .map((p) => p.replace(/^\.\//, ''))
      .filter((p) => this.inside(p) !== null)
      .sort();
  }

  /** The absolute path of `rel` when it stays inside the tree (symlinks resolved), else null. */
  private inside(rel: string): string | null {
    if (path.isAbsolute(rel) || rel.split(/[\\/]/).includes('..')) return null;
    try {
      const real = fs.realpathSync(path.join(this.root, rel));
      return real === this.root || real.startsWith(this.root + path.sep) ? real : null;
    } catch {
      return null;
    }
  }

  read(rel: string): string | null {
    const abs = this.inside(rel);
    if (!abs) return null;
    const st = fs.statSync(abs, { throwIfNoEntry: false });
    if (!st?.isFile()) return null;
    const stamp = `${st.mtimeMs}:${st.size}`;
    const known = this.texts.get(rel);
    if (known?.stamp === stamp) return known.text;
    let text: string | null = null;
    try {
      text = fs.readFileSync(abs, 'utf8');
    } catch {
      text = null;
    }
    this.texts.set(rel, { stamp, text });
    return text;
  }
}
