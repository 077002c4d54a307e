/** "1 photo", "2 photos", "1,200 people": a count and the word that agrees with it. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`;
}
