export async function coldStartBench(): Promise<void> {}
