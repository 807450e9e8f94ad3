/**
 * The invoice check of the costs report: the carrier's total for the period against ours. Amounts are
 * compared in ten-thousandths (the precision costs are rated to) as integers, so the difference of two
 * 4-decimal amounts is exact.
 */
import { formatAmount, formatCost } from './format.js';

export interface InvoiceCheck {
  /** Carrier minus ours, in the currency. */
  difference: number;
  /** The difference as a percentage of ours, rounded to 2 decimals; null when ours is 0. */
  percent: number | null;
  /** `Carrier 1,234.5600 GBP · ours 1,230.1200 · difference +4.4400 (+0.36 %)` */
  text: string;
}

/** `1234.56`, `1,234.56`, `1234`: an amount of at most 4 decimals with optional thousands commas. */
const TOTAL = /^(\d{1,12}|\d{1,3}(,\d{3}){1,3})(\.\d{1,4})?$/;

/** The carrier's total as typed, in ten-thousandths; null when it is not an amount. */
export function parseInvoiceTotal(text: string): number | null {
  const trimmed = text.trim();
  if (!TOTAL.test(trimmed)) return null;
  const [whole = '0', fraction = ''] = trimmed.replace(/,/g, '').split('.');
  return Number(whole) * 10_000 + Number(fraction.padEnd(4, '0'));
}

function signed(amount: number): string {
  return amount > 0 ? `+${formatAmount(amount)}` : formatAmount(amount);
}

function signedPercent(percent: number): string {
  if (percent === 0) return '0.00 %';
  return `${percent > 0 ? '+' : ''}${percent.toFixed(2)} %`;
}

/**
 * Compares the carrier's total (as typed) with ours. Empty text: null (nothing to compare); text that is
 * not an amount: a problem to show.
 */
export function checkInvoice(carrierText: string, ours: number, currency: string): InvoiceCheck | { problem: string } | null {
  if (carrierText.trim() === '') return null;
  const carrierE4 = parseInvoiceTotal(carrierText);
  if (carrierE4 === null) return { problem: `"${carrierText.trim()}" is not an amount: write the invoice total like 1234.56 or 1,234.56, without the currency.` };
  const oursE4 = Math.round(ours * 10_000);
  const differenceE4 = carrierE4 - oursE4;
  const percent = oursE4 === 0 ? null : Math.round((differenceE4 / oursE4) * 10_000) / 100;
  const difference = differenceE4 / 10_000;
  const share = percent === null ? 'no percentage: ours is 0' : signedPercent(percent);
  return {
    difference,
    percent,
    text: `Carrier ${formatCost(carrierE4 / 10_000, currency)} · ours ${formatAmount(oursE4 / 10_000)} · difference ${signed(difference)} (${share})`,
  };
}
