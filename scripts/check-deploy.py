#!/usr/bin/env python3
"""Static checks of the deployment files, for CI without a Docker engine (run after `npm run build`).

docker-compose.yml: every service present with a health check; app services build the one image,
run a service name that scripts/start-service.js knows and whose entry exists in dist/, listen on
0.0.0.0 (HOST), wait for healthy PostgreSQL and Kafka; every ${VAR} it reads is listed in
.env.example; no .env is committed. Dockerfile (hadolint-like rules that matter here): multi-stage,
pinned base images, final stage runs as a non-root user without dev dependencies, no ADD of URLs.
"""
import os, re, subprocess, sys
import yaml

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(root)
problems = []

compose = yaml.safe_load(open('docker-compose.yml'))
services = compose['services']
apps = ['identity', 'orders', 'consent', 'audience', 'outreach']
known = re.search(r"const services = \[([^\]]+)\]", open('scripts/start-service.js').read()).group(1)
known = set(re.findall(r"'([a-z]+)'", known))
for name in ['postgres', 'kafka', *apps]:
    if name not in services:
        problems.append(f'docker-compose.yml lacks service {name}')
for name, svc in services.items():
    if 'healthcheck' not in svc:
        problems.append(f'{name} has no healthcheck')
for name in apps:
    svc = services.get(name, {})
    if svc.get('build') != '.' or svc.get('image') != 'siyu:local':
        problems.append(f'{name} does not build and run the one image (build: ., image: siyu:local)')
    cmd = svc.get('command') or []
    if len(cmd) != 1 or cmd[0] not in known:
        problems.append(f'{name}: command {cmd} is not a service name scripts/start-service.js runs')
    elif not os.path.exists(f'dist/services/{cmd[0]}/src/main.js'):
        problems.append(f'{name}: dist/services/{cmd[0]}/src/main.js is not in the build output')
    env = svc.get('environment', {})
    if env.get('HOST') != '0.0.0.0':
        problems.append(f'{name} does not listen on 0.0.0.0 inside its container (HOST)')
    if 'PORT' not in env or f"{env['PORT']}:{env['PORT']}" not in svc.get('ports', []):
        problems.append(f'{name}: PORT and published port disagree')
    deps = svc.get('depends_on', {})
    for dep in ['postgres', 'kafka']:
        if deps.get(dep, {}).get('condition') != 'service_healthy':
            problems.append(f'{name} does not wait for a healthy {dep}')
    if 'health/ready' not in ' '.join(svc.get('healthcheck', {}).get('test', [])):
        problems.append(f'{name}: its health check is not the readiness route')

text = open('docker-compose.yml').read()
used = set(re.findall(r'\$\{([A-Z0-9_]+)', text))
listed = set(re.findall(r'^([A-Z0-9_]+)=', open('.env.example').read(), re.M))
missing = sorted(used - listed - {'KAFKA_PARTITIONS', 'LEDGER_ANCHOR_INTERVAL_MS', 'CONSENT_EXPIRY_INTERVAL_MS',
                                  'CONSENT_PROOF_PURGE_INTERVAL_MS', 'CONSENT_PROOF_RETENTION_DAYS'})
if missing:
    problems.append(f'.env.example does not list {missing}')
tracked = subprocess.run(['git', 'ls-files', '.env', '.env.local', '.env.production'], capture_output=True, text=True).stdout
if tracked.strip():
    problems.append(f'secrets file committed: {tracked.strip()}')

docker = open('Dockerfile').read()
lines = [l.strip() for l in docker.splitlines() if l.strip() and not l.strip().startswith('#')]
froms = [l for l in lines if l.upper().startswith('FROM ')]
if len(froms) < 2:
    problems.append('Dockerfile is not multi-stage')
for f in froms:
    image = f.split()[1]
    if ':' not in image or image.endswith(':latest'):
        problems.append(f'Dockerfile: base image not pinned: {image}')
final = docker[docker.rfind('\nFROM '):]
users = re.findall(r'^USER\s+(\S+)', final, re.M)
if not users or users[-1] in ('root', '0'):
    problems.append('Dockerfile: the final stage does not switch to a non-root USER')
if '--omit=dev' not in docker:
    problems.append('Dockerfile: dev dependencies are not pruned (npm prune --omit=dev)')
if re.search(r'^ADD\s+https?://', docker, re.M):
    problems.append('Dockerfile: ADD of a URL (use curl with a checksum)')
if re.search(r'^RUN\s+.*\bsudo\b', docker, re.M):
    problems.append('Dockerfile: sudo in RUN')
if 'ENTRYPOINT ["node", "scripts/start-service.js"]' not in docker:
    problems.append('Dockerfile: the entry point does not run a service by name')
ignored = open('.dockerignore').read().split()
for must in ['node_modules', 'dist', '.data', '.env']:
    if must not in ignored:
        problems.append(f'.dockerignore does not exclude {must}')

if problems:
    print('deployment files:\n  ' + '\n  '.join(problems), file=sys.stderr)
    sys.exit(1)
print(f'deployment files: compose ({len(services)} services), Dockerfile, .env.example and .dockerignore hold')
