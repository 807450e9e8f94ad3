import { BusinessHoursError, parseBusinessHours as read, type BusinessHours } from '../../preload/business-hours.js';
import { AppError } from '../errors.js';

export { isOpen, lastClosing, type BusinessHours } from '../../preload/business-hours.js';

/** Business hours as the services read them: a bad value is BAD_INPUT naming the field. */
export function parseBusinessHours(text: string): BusinessHours {
  try {
    return read(text);
  } catch (error) {
    if (error instanceof BusinessHoursError) throw new AppError('BAD_INPUT', error.message, { field: 'business_hours' });
    throw error;
  }
}
