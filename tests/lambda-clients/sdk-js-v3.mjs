// The AWS SDK for JavaScript v3 against `skiff local start-lambda --template tests/lambda-clients/template.yaml`:
// each call of issue 11, printed with its answer. Usage: node sdk-js-v3.mjs LAMBDA_API_URL BIG_JSON SMALL_ZIP
import { LambdaClient, GetFunctionCommand, GetFunctionConfigurationCommand, GetAliasCommand, InvokeCommand,
  UpdateFunctionCodeCommand, PublishVersionCommand, GetFunctionConcurrencyCommand } from "@aws-sdk/client-lambda";
import { readFileSync } from "node:fs";
const lambda = new LambdaClient({ endpoint: process.argv[2], region: "us-east-1",
  credentials: { accessKeyId: "local", secretAccessKey: "local" }, maxAttempts: 1 });
const F = "FraudFunction";
async function call(name, command, pick) {
  try { const r = await lambda.send(command); delete r.$metadata; console.log(name, "->", JSON.stringify(pick ? pick(r) : r)); }
  catch (e) { console.log(name, "-> ERROR", e.name, e.$metadata?.httpStatusCode, JSON.stringify(e.message)); }
}
const conf = r => ({ FunctionArn: r.FunctionArn, Version: r.Version, Description: r.Description, CodeSha256: r.CodeSha256,
  CodeSize: r.CodeSize, RevisionId: r.RevisionId, LastUpdateStatus: r.LastUpdateStatus, State: r.State });
await call("GetFunction(Qualifier=live)", new GetFunctionCommand({ FunctionName: F, Qualifier: "live" }),
  r => ({ Configuration: conf(r.Configuration), Concurrency: r.Concurrency, Code: r.Code }));
await call("GetFunctionConfiguration(Qualifier=live)", new GetFunctionConfigurationCommand({ FunctionName: F, Qualifier: "live" }), conf);
await call("GetFunction(FraudFunction:1)", new GetFunctionCommand({ FunctionName: F + ":1" }), r => conf(r.Configuration));
await call("GetFunctionConcurrency", new GetFunctionConcurrencyCommand({ FunctionName: F }));
await call("GetAlias(live)", new GetAliasCommand({ FunctionName: F, Name: "live" }));
await call("Invoke(Event, >1 MB)", new InvokeCommand({ FunctionName: F, InvocationType: "Event", Payload: readFileSync(process.argv[3]) }));
await call("UpdateFunctionCode(ZipFile)", new UpdateFunctionCodeCommand({ FunctionName: F, ZipFile: readFileSync(process.argv[4]) }), conf);
await call("PublishVersion()", new PublishVersionCommand({ FunctionName: F }), conf);
await call("PublishVersion(Description)", new PublishVersionCommand({ FunctionName: F, Description: "explicit" }), conf);
await call("GetFunction(Qualifier=nope)", new GetFunctionCommand({ FunctionName: F, Qualifier: "nope" }));
await call("UpdateFunctionCode(S3)", new UpdateFunctionCodeCommand({ FunctionName: F, S3Bucket: "skiff-artifacts", S3Key: "k.zip" }));
