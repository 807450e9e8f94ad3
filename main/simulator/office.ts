/**
 * The simulated office: who works there, which groups ring whom, which trunks connect it. Names are
 * deliberately international (accents, CJK, Cyrillic, Greek, a comma, an apostrophe) so every layer
 * that shows or exports them is exercised.
 */
export interface Extension {
  number: string;
  name: string;
  /** Last octet of the phone's LAN address, for the Dial lastdata contact URI. */
  host: number;
  /** Phone model, reported by UCM63xx as device_info. */
  model: string;
  /** Registered through UCM RemoteConnect: its calls carry nat_call=yes. */
  remote: boolean;
}

export const EXTENSIONS: readonly Extension[] = [
  { number: '1000', name: 'José Núñez', host: 21, model: 'GXP2170', remote: false },
  { number: '1001', name: 'Zoë Ångström', host: 22, model: 'GXP2160', remote: false },
  { number: '1002', name: '王伟', host: 23, model: 'GRP2615', remote: false },
  { number: '1003', name: 'Jürgen Müller', host: 24, model: 'GRP2614', remote: false },
  { number: '1004', name: 'Chloé Dubois', host: 25, model: 'WP820', remote: false },
  { number: '1005', name: 'Søren Østergaard', host: 26, model: 'GXP2170', remote: false },
  { number: '1006', name: 'Анна Петрова', host: 27, model: 'GXP2160', remote: false },
  { number: '1007', name: 'Αλέξανδρος Παπαδόπουλος', host: 28, model: 'GRP2615', remote: false },
  { number: '1008', name: 'Fatima Benali', host: 29, model: 'GRP2614', remote: false },
  { number: '1009', name: '佐藤 花子', host: 30, model: 'WP820', remote: false },
  { number: '1010', name: 'Łukasz Wójcik', host: 31, model: 'GXP2170', remote: false },
  { number: '1011', name: "Siobhán O'Connor", host: 32, model: 'GXP2160', remote: false },
  { number: '1012', name: 'Ömer Yılmaz', host: 33, model: 'GRP2615', remote: false },
  { number: '1013', name: 'Émilie Côté', host: 34, model: 'GRP2614', remote: false },
  { number: '1014', name: '김민준', host: 35, model: 'WP820', remote: false },
  { number: '1015', name: 'Ngozi Okonkwo', host: 36, model: 'GXP2170', remote: true },
  { number: '1016', name: 'Ravi Shankar', host: 37, model: 'GXP2160', remote: true },
  { number: '1017', name: 'Reception, Ground Floor', host: 38, model: 'GRP2615', remote: false },
  { number: '1018', name: 'Márta Kovács', host: 39, model: 'GRP2614', remote: false },
  { number: '1019', name: 'Conference Phone', host: 40, model: 'WP820', remote: false },
];

/** Sales ring group. */
export const RING_GROUP = { number: '6400', members: ['1000', '1001', '1002', '1003', '1004', '1005'] } as const;
/** Support queue. */
export const QUEUE = { number: '6500', members: ['1006', '1007', '1008', '1009', '1010', '1011'] } as const;
export const IVR = '7000';
export const CONFERENCE = '6300';
/** Parking lot extension and its slots. */
export const PARKING = { lot: '70', slots: ['71', '72', '73', '74'] } as const;

export interface Trunk {
  /** Internal channel name (`trunk_1`). */
  id: string;
  /** Name shown as src_trunk_name / dst_trunk_name. */
  name: string;
}

export const OUTBOUND_TRUNK: Trunk = { id: 'trunk_1', name: 'CarrierOne SIP' };
export const INBOUND_TRUNK: Trunk = { id: 'trunk_2', name: 'Daisy' };
/** The office's main number, dialled by inbound callers. */
export const MAIN_DID = '01924600401';
/** The analogue line on the first FXO port. */
export const FXO_PORT = 1;

export const ACCOUNT_CODES = ['4711', '2024', '8800'] as const;

export const EXTERNAL_PREFIXES = ['07', '01', '02', '03', '0044', '0049'] as const;
