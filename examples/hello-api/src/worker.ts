// "greeting" comes from the "shared" layer (/opt/nodejs/node_modules), so it is external here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const {greet} = require('greeting') as {greet: (name: string) => string}

interface SqsEvent {
  Records: {messageId: string; body: string}[]
}

export const handler = async (event: SqsEvent): Promise<{batchItemFailures: {itemIdentifier: string}[]}> => {
  const failures: {itemIdentifier: string}[] = []
  for (const record of event.Records) {
    try {
      const {name} = JSON.parse(record.body) as {name: string}
      console.log(greet(name))
    } catch {
      failures.push({itemIdentifier: record.messageId})
    }
  }
  return {batchItemFailures: failures}
}
