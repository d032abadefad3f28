import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { expect } from 'chai';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { SERVICE_NODE_ENV } from '../src/build';
import { loadCompose } from '../src/compose';
import { allServiceEnvKeys, migrateEnvKeys, SERVICES } from '../src/env-keys';
import { type Manifest, podContainers, podSpec, readYamlDocs, render, splitImage } from '../src/kustomize';
import { fromRoot } from '../src/paths';

// Schemas: kubernetes-models@4.5.1 (the Kubernetes OpenAPI schemas compiled to validators) and
// @kubernetes-models/keda@0.4.2 (KEDA's CRD schemas). Unknown kinds fail the test.
type Validatable = { validate(): void };
const MODELS: Record<string, new (data: never) => Validatable> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Namespace': Namespace,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

function validate(m: Manifest) {
  const Model = MODELS[`${m.apiVersion}/${m.kind}`];
  if (!Model) throw new Error(`no schema for ${m.apiVersion} ${m.kind}`);
  new Model(m as never).validate();
}

type Rule = { ports?: { port: number }[] };
type PolicySpec = {
  podSelector: Record<string, unknown>;
  policyTypes: string[];
  ingress?: Rule[];
  egress?: Rule[];
};

const SECRET_KEYS = [
  'DATABASE_URL',
  'REDIS_URL',
  'SECRETS_KEY',
  'SECRETS_KEY_PREVIOUS',
  'API_BOOTSTRAP_ADMIN_KEY',
];

describe('k8s manifests', () => {
  const base = render(fromRoot('k8s/base')).resources;
  const example = render(fromRoot('k8s/overlays/example')).resources;
  const exampleHpa = render(fromRoot('k8s/overlays/example-hpa')).resources;
  const secret = readYamlDocs(fromRoot('k8s/base/secret.example.yaml'))[0]!;
  const find = (rs: Manifest[], kind: string, name: string) =>
    rs.find((r) => r.kind === kind && r.metadata.name === name);
  const deployment = (name: string) => find(base, 'Deployment', `mpc-${name}`)!;
  const config = find(base, 'ConfigMap', 'mpc-config') as Manifest & { data: Record<string, string> };
  const workloads = base.filter((r) => r.kind === 'Deployment' || r.kind === 'Job');

  it('every rendered resource (base, both overlays) and the Secret template validate against the Kubernetes schemas', () => {
    for (const [name, rs] of [
      ['base', base],
      ['example', example],
      ['example-hpa', exampleHpa],
    ] as const) {
      expect(rs.length, name).to.be.greaterThan(10);
      for (const r of rs) {
        try {
          validate(r);
        } catch (err) {
          throw new Error(`${name}: ${r.kind}/${r.metadata.name}: ${(err as Error).message}`);
        }
      }
    }
    validate(secret);
  });

  it('the schema check is not vacuous: a wrong type or a missing required field fails', () => {
    const bad = structuredClone(deployment('api')) as Manifest & { spec: Record<string, unknown> };
    bad.spec.replicas = 'two';
    expect(() => validate(bad)).to.throw(/replicas/);
    const noContainers = structuredClone(deployment('api')) as Manifest;
    delete (podSpec(noContainers) as Partial<ReturnType<typeof podSpec>> & object).containers;
    expect(() => validate(noContainers)).to.throw(/containers/);
    expect(() =>
      validate({
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata: { name: 'x' },
        spec: { triggers: [] },
      } as never),
    ).to.throw(/scaleTargetRef/);
  });

  it('has a Deployment for every service in docker-compose.yml and a migrate Job', () => {
    const composeApp = Object.entries(loadCompose().services).filter(
      ([, s]) => (s.build as { target?: string } | undefined)?.target && !s.profiles,
    );
    for (const [name, s] of composeApp) {
      if (name === 'migrate') expect(find(base, 'Job', 'mpc-migrate'), name).to.be.an('object');
      else
        expect(find(base, 'Deployment', `mpc-${(s.build as { target: string }).target}`), name).to.be.an(
          'object',
        );
    }
    expect(composeApp.map(([n]) => n).sort()).to.deep.equal([...SERVICES, 'migrate'].sort());
  });

  it('probes /healthz (liveness) and /readyz (readiness) on the port each service listens on', () => {
    for (const svc of SERVICES) {
      const [c] = podContainers(deployment(svc));
      const port = Number(svc === 'api' ? config.data.API_PORT : config.data.HEALTH_PORT);
      expect(c!.livenessProbe!.httpGet, svc).to.deep.equal({ path: '/healthz', port });
      expect(c!.readinessProbe!.httpGet, svc).to.deep.equal({ path: '/readyz', port });
      expect(c!.startupProbe?.httpGet?.path, svc).to.equal('/healthz');
      expect(
        c!.ports!.map((p) => p.containerPort),
        svc,
      ).to.include(port);
    }
  });

  it('gives every pod longer than the app shutdown deadline to stop (plus the preStop sleep)', () => {
    const deadline = Number(config.data.SHUTDOWN_TIMEOUT_MS) / 1000;
    expect(deadline).to.equal(50);
    for (const svc of SERVICES) {
      const spec = podSpec(deployment(svc))!;
      const c = spec.containers[0]! as { lifecycle?: { preStop?: { exec?: { command: string[] } } } };
      const preStop = Number(c.lifecycle?.preStop?.exec?.command[1] ?? 0);
      expect(spec.terminationGracePeriodSeconds, svc).to.be.greaterThan(deadline + preStop);
    }
  });

  it('runs exactly one scheduler, replaced with Recreate', () => {
    const s = deployment('scheduler').spec as { replicas: number; strategy: { type: string } };
    expect(s.replicas).to.equal(1);
    expect(s.strategy.type).to.equal('Recreate');
  });

  it('sets requests and limits on every container (exporter 256Mi/250m, limit 512Mi)', () => {
    for (const w of workloads) {
      for (const c of podContainers(w)) {
        expect(c.resources?.requests?.memory, w.metadata.name).to.be.a('string');
        expect(c.resources?.requests?.cpu, w.metadata.name).to.be.a('string');
        expect(c.resources?.limits?.memory, w.metadata.name).to.be.a('string');
      }
    }
    const [e] = podContainers(deployment('exporter'));
    expect(e!.resources).to.deep.include({ requests: { memory: '256Mi', cpu: '250m' } });
    expect(e!.resources!.limits!.memory).to.equal('512Mi');
  });

  it("caps every container's V8 heap at no more than half its memory limit", () => {
    const heapMB = (nodeOptions: string) => Number(/--max-old-space-size=(\d+)/.exec(nodeOptions)?.[1]);
    for (const w of workloads) {
      for (const c of podContainers(w)) {
        // the image's NODE_OPTIONS unless the container sets its own
        const own = c.env?.find((e) => e.name === 'NODE_OPTIONS')?.value;
        const heap = heapMB(own ?? SERVICE_NODE_ENV.NODE_OPTIONS);
        const limit = /^(\d+)Mi$/.exec(c.resources!.limits!.memory as string)!;
        expect(heap, w.metadata.name).to.be.at.most(Number(limit[1]) / 2);
      }
    }
  });

  it('runs every container non-root, read-only, without privilege escalation or capabilities', () => {
    for (const w of workloads) {
      const spec = podSpec(w)!;
      expect(spec.securityContext, w.metadata.name).to.deep.include({ runAsNonRoot: true });
      expect(spec.automountServiceAccountToken, w.metadata.name).to.equal(false);
      for (const c of podContainers(w)) {
        expect(c.securityContext, w.metadata.name).to.deep.include({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
        });
        expect(c.securityContext!.capabilities!.drop).to.deep.equal(['ALL']);
        // a writable /tmp for Node's diagnostics (heap snapshots, reports)
        expect(
          c.volumeMounts?.map((v) => v.mountPath),
          w.metadata.name,
        ).to.include('/tmp');
      }
    }
  });

  it('has PodDisruptionBudgets that select the api, collector and exporter pods', () => {
    for (const svc of ['api', 'collector', 'exporter']) {
      const pdb = find(base, 'PodDisruptionBudget', `mpc-${svc}`) as Manifest & {
        spec: { selector: { matchLabels: Record<string, string> } };
      };
      expect(pdb, svc).to.be.an('object');
      const labels = (deployment(svc).spec as { template: { metadata: { labels: Record<string, string> } } })
        .template.metadata.labels;
      expect(labels).to.deep.include(pdb.spec.selector.matchLabels);
    }
  });

  it('exposes the api through a Service that selects its pods and targets its port', () => {
    const svc = find(base, 'Service', 'mpc-api') as Manifest & {
      spec: { selector: Record<string, string>; ports: { targetPort: string }[] };
    };
    const dep = deployment('api').spec as { template: { metadata: { labels: Record<string, string> } } };
    expect(dep.template.metadata.labels).to.deep.include(svc.spec.selector);
    const names = podContainers(deployment('api'))[0]!.ports!.map((p) => p.name);
    expect(names).to.include(svc.spec.ports[0]!.targetPort);
  });

  it('reads config from mpc-config and secrets from mpc-secrets, which together hold every variable the services read', () => {
    for (const svc of SERVICES) {
      const envFrom = podContainers(deployment(svc))[0]!.envFrom!;
      expect(envFrom).to.deep.include({ configMapRef: { name: 'mpc-config' } });
      expect(envFrom).to.deep.include({ secretRef: { name: 'mpc-secrets' } });
    }
    const secretData = (secret as Manifest & { stringData: Record<string, string> }).stringData;
    const provided = [...Object.keys(config.data), ...Object.keys(secretData)];
    expect(allServiceEnvKeys().filter((k) => !provided.includes(k))).to.deep.equal([]);
    expect(Object.keys(secretData).sort()).to.deep.equal([...SECRET_KEYS].sort());
    for (const k of SECRET_KEYS) expect(config.data, `${k} belongs in the Secret`).not.to.have.property(k);
    // the migrate Job reads only DATABASE_URL, from the Secret
    const job = podContainers(find(base, 'Job', 'mpc-migrate')!)[0]!;
    expect(job.env!.map((e) => e.name).filter((n) => n !== 'NODE_OPTIONS')).to.deep.equal(migrateEnvKeys());
  });

  it('ships a Secret template with placeholders that the services reject until replaced', () => {
    const data = (secret as Manifest & { stringData: Record<string, string> }).stringData;
    expect(Buffer.from(data.SECRETS_KEY!, 'base64').length).not.to.equal(32);
    expect(data.DATABASE_URL).to.include('REPLACE_ME');
    expect(
      base.some((r) => r.kind === 'Secret'),
      'the base never applies (overwrites) the real Secret',
    ).to.equal(false);
  });

  it('scales the exporter with KEDA on <QUEUE_PREFIX>:export:wait in the example overlay, with a plain HPA in the other, never both', () => {
    const autoscalers = (rs: Manifest[]) =>
      rs.filter((r) => r.kind === 'ScaledObject' || r.kind === 'HorizontalPodAutoscaler');
    expect(autoscalers(base)).to.deep.equal([]);
    expect(autoscalers(example).map((r) => r.kind)).to.deep.equal(['ScaledObject']);
    expect(autoscalers(exampleHpa).map((r) => r.kind)).to.deep.equal(['HorizontalPodAutoscaler']);

    const so = find(example, 'ScaledObject', 'mpc-exporter') as Manifest & {
      spec: {
        scaleTargetRef: { name: string };
        minReplicaCount: number;
        maxReplicaCount: number;
        triggers: { type: string; metadata: Record<string, string> }[];
      };
    };
    const cfg = find(example, 'ConfigMap', 'mpc-config') as Manifest & { data: Record<string, string> };
    expect(so.spec.scaleTargetRef.name).to.equal('mpc-exporter');
    const [trigger] = so.spec.triggers;
    expect(trigger!.type).to.equal('redis');
    expect(trigger!.metadata.listName).to.equal(`${cfg.data.QUEUE_PREFIX}:export:wait`);
    expect(Number(trigger!.metadata.listLength)).to.be.greaterThan(0);
    expect(cfg.data, 'addressFromEnv names a key of the exporter env').to.have.property(
      trigger!.metadata.addressFromEnv!,
    );
    // never scale to zero under running jobs; capped by the Plenty budget, not the backlog
    expect(so.spec.minReplicaCount).to.be.at.least(1);
    expect(so.spec.maxReplicaCount).to.be.within(1, 10);
    const hpa = find(exampleHpa, 'HorizontalPodAutoscaler', 'mpc-exporter') as Manifest & {
      spec: { maxReplicas: number; scaleTargetRef: { name: string } };
    };
    expect(hpa.spec.scaleTargetRef.name).to.equal('mpc-exporter');
    expect(hpa.spec.maxReplicas).to.equal(so.spec.maxReplicaCount);
    // the autoscaler owns the replica count
    expect(deployment('exporter').spec).not.to.have.property('replicas');
  });

  it('denies all traffic by default and allows exactly what each service needs', () => {
    const policies = base.filter((r) => r.kind === 'NetworkPolicy') as (Manifest & { spec: PolicySpec })[];
    const deny = policies.find((p) => Object.keys(p.spec.podSelector).length === 0)!;
    expect(deny.spec.policyTypes).to.have.members(['Ingress', 'Egress']);
    expect(deny.spec.ingress ?? []).to.deep.equal([]);
    expect(deny.spec.egress ?? []).to.deep.equal([]);

    const podLabels = (svc: string) =>
      (deployment(svc).spec as { template: { metadata: { labels: Record<string, string> } } }).template
        .metadata.labels;
    const selects = (p: { spec: PolicySpec }, labels: Record<string, string>) => {
      const sel = p.spec.podSelector as {
        matchLabels?: Record<string, string>;
        matchExpressions?: { key: string; operator: string; values: string[] }[];
      };
      return (
        Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
        (sel.matchExpressions ?? []).every((e) => e.operator === 'In' && e.values.includes(labels[e.key]!))
      );
    };
    const egressPorts = (labels: Record<string, string>) =>
      policies
        .filter((p) => selects(p, labels))
        .flatMap((p) =>
          (p.spec.egress ?? []).flatMap((e: { ports?: { port: number }[] }) =>
            (e.ports ?? []).map((x) => x.port),
          ),
        );
    const ingressPorts = (labels: Record<string, string>) =>
      policies
        .filter((p) => selects(p, labels))
        .flatMap((p) =>
          (p.spec.ingress ?? []).flatMap((e: { ports?: { port: number }[] }) =>
            (e.ports ?? []).map((x) => x.port),
          ),
        );

    for (const svc of SERVICES) {
      expect(egressPorts(podLabels(svc)), svc).to.include.members([53, 5432, 6379]);
    }
    for (const svc of ['api', 'collector', 'exporter'])
      expect(egressPorts(podLabels(svc)), svc).to.include(443);
    expect(egressPorts(podLabels('scheduler'))).not.to.include(443);
    expect(ingressPorts(podLabels('api'))).to.include(Number(config.data.API_PORT));
    for (const svc of ['scheduler', 'collector', 'exporter']) {
      expect(ingressPorts(podLabels(svc)), svc).to.deep.equal([Number(config.data.HEALTH_PORT)]);
    }
    const migrate = (
      find(base, 'Job', 'mpc-migrate')!.spec as { template: { metadata: { labels: Record<string, string> } } }
    ).template.metadata.labels;
    expect(egressPorts(migrate)).to.include.members([53, 5432]);
    expect(egressPorts(migrate)).not.to.include(443);
  });

  it('uses one image per Dockerfile target, pinned, and the overlays point them at a registry', () => {
    for (const w of workloads) {
      const [name, tag] = splitImage(podContainers(w)[0]!.image);
      expect(name).to.match(/^mpc-(api|scheduler|collector|exporter|migrate)$/);
      expect(tag).to.be.a('string').and.not.equal('latest');
    }
    for (const rs of [example, exampleHpa]) {
      for (const w of rs.filter((r) => r.kind === 'Deployment' || r.kind === 'Job')) {
        const [name, tag] = splitImage(podContainers(w)[0]!.image);
        expect(name).to.match(/^[a-z0-9.-]+\/.+\/mpc-/);
        expect(tag).to.match(/^\d+\.\d+\.\d+$/);
      }
    }
  });

  it('puts every namespaced resource of an overlay in its namespace', () => {
    for (const rs of [example, exampleHpa]) {
      const ns = find(rs, 'Namespace', 'mpc');
      expect(ns).to.be.an('object');
      for (const r of rs.filter((x) => x.kind !== 'Namespace'))
        expect(r.metadata.namespace, `${r.kind}/${r.metadata.name}`).to.equal('mpc');
    }
  });

  it('labels every resource as part of mpc (the network policies select on it)', () => {
    for (const r of base)
      expect(r.metadata.labels?.['app.kubernetes.io/part-of'], `${r.kind}/${r.metadata.name}`).to.equal(
        'mpc',
      );
    for (const w of workloads) {
      const labels = (w.spec as { template: { metadata: { labels: Record<string, string> } } }).template
        .metadata.labels;
      expect(labels['app.kubernetes.io/part-of'], w.metadata.name).to.equal('mpc');
    }
  });

  describe('the test renderer', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'mpc-kustomize-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('rejects files outside the kustomization root and unsupported fields, like kustomize would', () => {
      mkdirSync(join(dir, 'a'));
      writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
      writeFileSync(
        join(dir, 'a/kustomization.yaml'),
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../cm.yaml]\n',
      );
      expect(() => render(join(dir, 'a'))).to.throw(/load restrictor/);
      writeFileSync(
        join(dir, 'a/kustomization.yaml'),
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamePrefix: x-\n',
      );
      expect(() => render(join(dir, 'a'))).to.throw(/not supported/);
    });
  });
});
