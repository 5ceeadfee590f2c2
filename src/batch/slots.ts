/** Hands out session slots in order (a FIFO counting semaphore). */
export class Slots {
  private queue: { n: number; resolve: () => void }[] = [];
  constructor(private free: number) {}

  acquire(n: number): Promise<void> {
    if (this.queue.length === 0 && this.free >= n) {
      this.free -= n;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push({ n, resolve }));
  }

  release(n: number): void {
    this.free += n;
    while (this.queue.length > 0 && this.free >= (this.queue[0]?.n ?? Infinity)) {
      const next = this.queue.shift();
      if (!next) break;
      this.free -= next.n;
      next.resolve();
    }
  }
}
