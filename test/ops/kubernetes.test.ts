// deploy/kubernetes/: every manifest parses and validates against the Kubernetes OpenAPI schemas
// shipped by kubernetes-models (no cluster runs here), and the pieces fit together: probes on
// /healthz and /readyz, non-root, resources, the Service and HPA aiming at the Deployment, the
// ConfigMap holding a valid access configuration, the drain shorter than the grace period.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { parseAccessConfig } from '../../server/auth/index.js';

const DIR = join(process.cwd(), 'deploy', 'kubernetes');
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap, 'v1/Secret': Secret, 'v1/Service': Service,
  'apps/v1/Deployment': Deployment, 'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};

interface Manifest { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [k: string]: unknown }

function manifests(): { file: string; doc: Manifest }[] {
  return readdirSync(DIR).filter((f) => f.endsWith('.yaml')).flatMap((file) => parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((d) => {
    assert.deepEqual(d.errors, [], file);
    return { file, doc: d.toJS() as Manifest };
  }));
}

const find = (kind: string, name: string) => manifests().find(({ doc }) => doc.kind === kind && doc.metadata.name === name)?.doc as never as Record<string, any>;

describe('Kubernetes manifests', () => {
  it('each validates against its Kubernetes schema', () => {
    const all = manifests();
    assert.ok(all.length >= 7);
    for (const { file, doc } of all) {
      const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
      assert.ok(Model, `${file}: no schema for ${doc.apiVersion} ${doc.kind}`);
      assert.doesNotThrow(() => new Model(doc as never).validate(), `${file}: ${doc.kind} ${doc.metadata.name}`);
    }
  });

  it('the schemas catch a broken manifest (the check is not a no-op)', () => {
    const broken = structuredClone(find('Deployment', 'prelevements'));
    broken.spec.replicas = 'three';
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    assert.throws(() => new Deployment(broken as never).validate());
    const noSelector = structuredClone(find('Deployment', 'prelevements'));
    delete noSelector.spec.selector;
    assert.throws(() => new Deployment(noSelector as never).validate());
  });

  it('the Deployment: probes, non-root, resources, drain within the grace period', () => {
    const deployment = find('Deployment', 'prelevements');
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.ok(pod.securityContext.runAsUser > 0);
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    for (const kind of ['requests', 'limits']) for (const resource of ['cpu', 'memory']) assert.ok(container.resources[kind][resource], `${kind}.${resource}`);
    assert.deepEqual(container.command, ['node', 'dist/cli.js']); // the Dockerfile's image
    const args: string[] = container.args;
    assert.equal(args[0], 'serve');
    const drain = Number(args[args.indexOf('--shutdown-timeout') + 1]);
    const preStop = Number(container.lifecycle.preStop.exec.command[1]);
    assert.ok(drain + preStop < pod.terminationGracePeriodSeconds);
    assert.ok(container.env.some((e: { name: string; valueFrom?: { secretKeyRef?: unknown } }) => e.name === 'REDIS_URL' && e.valueFrom?.secretKeyRef));
    assert.deepEqual(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels);
  });

  it('the Service and the HPA aim at the Deployment; the ConfigMap holds a valid access configuration', () => {
    const deployment = find('Deployment', 'prelevements');
    const service = find('Service', 'prelevements');
    assert.deepEqual(service.spec.selector, deployment.spec.template.metadata.labels);
    assert.equal(service.spec.ports[0].targetPort, deployment.spec.template.spec.containers[0].ports[0].name);
    const hpa = find('HorizontalPodAutoscaler', 'prelevements');
    assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'prelevements' });
    assert.equal(hpa.spec.metrics[0].resource.name, 'cpu');
    const config = find('ConfigMap', 'prelevements-access');
    const access = parseAccessConfig(parse(config.data['access.yaml']), '/etc/prelevements');
    assert.equal(access.rateLimit && access.rateLimit.perKey, 3000);
    const secret = find('Secret', 'prelevements-secrets');
    assert.ok(secret.stringData.REDIS_URL.startsWith('redis://'));
    JSON.parse(secret.stringData['keys.json']);
  });
});
