import { errorMessage } from '../format';

export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'error';
}

/** Short messages at the bottom of the window: what a correction did, or why it failed. */
export class Notices {
  toasts = $state<Toast[]>([]);
  private next = 1;

  constructor(private readonly lifetimeMs = 5000) {}

  info(text: string): void {
    this.push(text, 'info');
  }

  error(error: unknown): void {
    this.push(errorMessage(error), 'error');
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((toast) => toast.id !== id);
  }

  private push(text: string, tone: Toast['tone']): void {
    const toast = { id: this.next++, text, tone };
    this.toasts = [...this.toasts.slice(-3), toast];
    if (this.lifetimeMs > 0)
      setTimeout(() => this.dismiss(toast.id), tone === 'error' ? this.lifetimeMs * 2 : this.lifetimeMs);
  }
}
