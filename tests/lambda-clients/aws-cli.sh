#!/usr/bin/env bash
# The AWS CLI v2 against `skiff local start-lambda --template tests/lambda-clients/template.yaml`:
# each call of issue 11, printed with its answer. Usage: aws-cli.sh [LAMBDA_API_URL]
set -uo pipefail
endpoint=${1:-http://127.0.0.1:3001}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
python3 -c "import json; print(json.dumps({'model_name': 'fraud', 'pad': 'x' * (1100 * 1024)}))" > "$work/big.json"
echo hello > "$work/hello.txt" && (cd "$work" && python3 -c "import zipfile; zipfile.ZipFile('small.zip', 'w').write('hello.txt')")
call() { echo "## aws lambda $*"; aws --endpoint-url "$endpoint" lambda "$@" 2>&1; echo; }
call get-function --function-name FraudFunction --qualifier live \
  --query '{Arn:Configuration.FunctionArn,Version:Configuration.Version,CodeSize:Configuration.CodeSize,Concurrency:Concurrency,Code:Code}'
call get-function-configuration --function-name FraudFunction --qualifier live \
  --query '{Arn:FunctionArn,Version:Version,Description:Description,CodeSize:CodeSize}'
call get-function-concurrency --function-name FraudFunction
call get-alias --function-name FraudFunction --name live
call invoke --function-name FraudFunction --invocation-type Event --cli-binary-format raw-in-base64-out \
  --payload "fileb://$work/big.json" "$work/out.json"
call update-function-code --function-name FraudFunction --zip-file "fileb://$work/small.zip" \
  --query '{Version:Version,CodeSize:CodeSize,CodeSha256:CodeSha256,LastUpdateStatus:LastUpdateStatus}'
echo "(small.zip: SHA-256 $(openssl dgst -sha256 -binary "$work/small.zip" | base64), $(stat -c %s "$work/small.zip") bytes)"
call publish-version --function-name FraudFunction --query '{Version:Version,Description:Description,FunctionArn:FunctionArn}'
call get-function --function-name FraudFunction --qualifier nope
call update-function-code --function-name FraudFunction --s3-bucket skiff-artifacts --s3-key k.zip
