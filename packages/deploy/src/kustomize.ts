// A small kustomize renderer for what k8s/ uses: resources (files and directories), components,
// namespace, images and strategic-merge patches of maps. kustomize itself is a Go binary that
// cannot be installed from the npm registry; anything this renderer does not support throws, so
// a kustomization using more than this cannot pass the tests unnoticed.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
};

const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'components',
  'images',
  'patches',
]);
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'StorageClass',
]);

export function readYamlDocs(file: string): Manifest[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const out: Manifest[] = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as Manifest | null;
    if (value) out.push(value);
  }
  return out;
}

function kustomizationFile(dir: string): string {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`${dir}: no kustomization.yaml`);
}

/** kustomize's default load restrictor: files (not kustomization directories) must lie below the root. */
function checkBelow(root: string, file: string) {
  const rel = relative(root, file);
  if (rel.startsWith('..') || rel.startsWith(sep)) {
    throw new Error(`${file} is not in or below ${root} (kustomize's load restrictor would reject it)`);
  }
}

export const resourceId = (m: Manifest) =>
  `${m.apiVersion}/${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Strategic merge for maps; lists are replaced (enough for ConfigMap/label patches). */
function mergeMaps(target: Record<string, unknown>, patch: Record<string, unknown>) {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete target[k];
    else if (isPlainObject(v) && isPlainObject(target[k])) mergeMaps(target[k] as Record<string, unknown>, v);
    else if (Array.isArray(v) && Array.isArray(target[k]) && v.some(isPlainObject)) {
      throw new Error(`patch of the list "${k}": list merges are not supported by this renderer`);
    } else target[k] = structuredClone(v);
  }
}

export interface Rendered {
  resources: Manifest[];
  /** every file read, for diagnostics */
  files: string[];
}

export function render(dir: string, expectKind: 'Kustomization' | 'Component' = 'Kustomization'): Rendered {
  const root = resolve(dir);
  const file = kustomizationFile(root);
  const k = readYamlDocs(file)[0] as unknown as Record<string, unknown>;
  for (const key of Object.keys(k)) {
    if (!SUPPORTED.has(key)) throw new Error(`${file}: "${key}" is not supported by the test renderer`);
  }
  if (k.kind !== expectKind) throw new Error(`${file}: kind ${String(k.kind)}, expected ${expectKind}`);
  const files = [file];
  let resources: Manifest[] = [];
  const add = (items: Manifest[]) => {
    for (const m of items) {
      if (resources.some((r) => resourceId(r) === resourceId(m)))
        throw new Error(`${file}: duplicate resource ${resourceId(m)}`);
      resources.push(m);
    }
  };
  for (const entry of (k.resources as string[] | undefined) ?? []) {
    const p = resolve(root, entry);
    if (!existsSync(p)) throw new Error(`${file}: resource ${entry} does not exist`);
    if (statSync(p).isDirectory()) {
      const sub = render(p);
      files.push(...sub.files);
      add(sub.resources);
    } else {
      checkBelow(root, p);
      files.push(p);
      add(readYamlDocs(p));
    }
  }
  for (const entry of (k.components as string[] | undefined) ?? []) {
    const sub = render(resolve(root, entry), 'Component');
    files.push(...sub.files);
    add(sub.resources);
  }
  for (const patch of (k.patches as { path?: string; patch?: string; target?: unknown }[] | undefined) ??
    []) {
    if (!patch.path || patch.target || patch.patch)
      throw new Error(`${file}: only "patches: - path:" (strategic merge) is supported`);
    const p = resolve(root, patch.path);
    checkBelow(root, p);
    files.push(p);
    for (const doc of readYamlDocs(p)) {
      const target = resources.find(
        (r) =>
          r.apiVersion === doc.apiVersion && r.kind === doc.kind && r.metadata.name === doc.metadata.name,
      );
      if (!target) throw new Error(`${p}: patch target ${doc.kind}/${doc.metadata.name} not found`);
      mergeMaps(target as Record<string, unknown>, doc as Record<string, unknown>);
    }
  }
  if (typeof k.namespace === 'string') {
    const ns = k.namespace;
    resources = resources.map((r) =>
      CLUSTER_SCOPED.has(r.kind) ? r : { ...r, metadata: { ...r.metadata, namespace: ns } },
    );
  }
  for (const image of (k.images as
    | { name: string; newName?: string; newTag?: string; digest?: string }[]
    | undefined) ?? []) {
    for (const r of resources) {
      for (const c of podContainers(r)) {
        const [name, tag] = splitImage(c.image);
        if (name !== image.name) continue;
        c.image = `${image.newName ?? name}${image.digest ? `@${image.digest}` : `:${image.newTag ?? tag}`}`;
      }
    }
  }
  return { resources, files };
}

export function splitImage(image: string): [string, string | undefined] {
  const at = image.indexOf('@');
  if (at >= 0) return [image.slice(0, at), image.slice(at)];
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined];
}

export type Container = {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  livenessProbe?: { httpGet?: { path: string; port: number | string } };
  readinessProbe?: { httpGet?: { path: string; port: number | string } };
  startupProbe?: { httpGet?: { path: string; port: number | string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
};

export type PodSpec = {
  containers: Container[];
  initContainers?: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: Record<string, unknown>;
  [k: string]: unknown;
};

export function podSpec(m: Manifest): PodSpec | undefined {
  const spec = m.spec as
    | { template?: { spec?: PodSpec }; jobTemplate?: { spec?: { template?: { spec?: PodSpec } } } }
    | undefined;
  return spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec;
}

export function podContainers(m: Manifest): Container[] {
  const spec = podSpec(m);
  return spec ? [...spec.containers, ...(spec.initContainers ?? [])] : [];
}
