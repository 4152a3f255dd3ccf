"""Creates an IAM role for Lambda functions on moto, for tests/tests/e2e_rest_json.rs.

moto's CreateFunction refuses a role that IAM does not hold ("The role defined for the function
cannot be assumed by Lambda."), and IAM speaks awsQuery, which the generator does not generate, so
the role comes from boto3. Run by `Moto::run_python` (tests/src/moto.rs) with MOTO_ENDPOINT and
dummy AWS credentials set. Prints {"arn": ...}.
"""

import json
import os
import uuid

import boto3

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def main() -> None:
    iam = boto3.client("iam", endpoint_url=os.environ["MOTO_ENDPOINT"])
    role = iam.create_role(
        RoleName=f"rest-json-{uuid.uuid4().hex}",
        AssumeRolePolicyDocument=json.dumps(TRUST),
    )["Role"]
    print(json.dumps({"arn": role["Arn"]}))


if __name__ == "__main__":
    main()
