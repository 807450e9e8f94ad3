import type { CertificateInfo, PbxProfile } from '../../preload/api.js';
import { simulatorDir } from '../paths.js';
import { probeCertificate } from '../pbx/tls.js';
import type { SecretStore } from '../secrets.js';
import { startSimulator } from '../simulator/server.js';
import type { Store } from '../store/types.js';

export const DEMO_NAME = 'Demo PBX';
const DEMO_BUSINESS_HOURS = 'Mon-Fri 07:00-21:00, Sat-Sun 09:00-17:00';
const DEMO_USER = 'cdrapi';
export const DEMO_PASSWORD = 'cdrapi123';

type Simulator = Awaited<ReturnType<typeof startSimulator>>;

/**
 * "Try the demo PBX": the built-in simulator inside this process, and the profile that points at it.
 * Its certificate persists under the data folder, so a fingerprint trusted once stays valid across
 * restarts even though the port changes.
 */
export class DemoPbx {
  private running: Promise<Simulator> | null = null;

  constructor(
    private readonly store: Store,
    private readonly dataDir: string,
    private readonly secrets: SecretStore,
  ) {}

  async start(): Promise<{ profile: PbxProfile; certificate: CertificateInfo }> {
    // A demo profile kept as history (removed with its calls kept) is import-only now: take the next name.
    let name = DEMO_NAME;
    for (let n = 2; this.store.profiles.getByName(name)?.kind === 'import'; n++) name = `${DEMO_NAME} ${n}`;
    const existing = this.store.profiles.getByName(name);
    // The profile and the simulated PBX must agree on the wall clock's zone, or every time shifts.
    const tz = existing?.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.running ??= startSimulator({
      port: 0,
      certDir: simulatorDir(this.dataDir),
      user: DEMO_USER,
      password: DEMO_PASSWORD,
      tz,
    }).catch((error: unknown) => {
      this.running = null;
      throw error;
    });
    const simulator = await this.running;
    const profile = this.store.profiles.save({
      id: existing?.id,
      name,
      kind: 'pbx',
      url: simulator.url,
      api: existing?.api ?? 'auto',
      detected_api: existing?.detected_api ?? null,
      user: DEMO_USER,
      tz,
      model: existing?.model || 'UCM simulator',
      fingerprint: existing?.fingerprint ?? null,
      ca_file: null,
      // The simulated office works late and at weekends (main/simulator/generator.ts): a new demo
      // profile gets those hours, so its after-hours alerts mean something; the user's choice stays.
      business_hours: existing ? undefined : DEMO_BUSINESS_HOURS,
    });
    this.secrets.set(profile.id, DEMO_PASSWORD);
    const { fingerprint, subject, issuer, valid_from, valid_to } = await probeCertificate(simulator.url);
    return { profile, certificate: { fingerprint, subject, issuer, valid_from, valid_to } };
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = null;
    if (running) await (await running).close();
  }
}
