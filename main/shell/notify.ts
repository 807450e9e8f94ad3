import { Notification } from 'electron';

/** A system notification for a new alert; silently nothing where the platform has none. */
export function showNotification(title: string, body: string): void {
  if (!Notification.isSupported()) return;
  new Notification({ title, body, silent: false }).show();
}
