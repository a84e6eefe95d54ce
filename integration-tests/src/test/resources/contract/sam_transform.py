"""The SAM transform of a template, offline, as `sam validate` runs it: aws-sam-translator's transform() with the
functions' local CodeUri replaced by an S3 location (sam validate does the same) and a managed-policy loader that
knows no policy (there is no network to ask IAM; template.yaml's functions name their own roles). Prints the
CloudFormation template SAM would deploy as JSON on stdout; a template SAM refuses exits 1 with SAM's messages.

    python3 sam_transform.py template.yaml [region]
"""
import json
import os
import sys

os.environ["AWS_DEFAULT_REGION"] = sys.argv[2] if len(sys.argv) > 2 else "us-east-1"

from samtranslator.model.exceptions import InvalidDocumentException  # noqa: E402
from samtranslator.translator.transform import transform  # noqa: E402
from samtranslator.yaml_helper import yaml_parse  # noqa: E402


class OfflineManagedPolicyLoader:
    """ManagedPolicyLoader's interface without IAM: no managed policy name resolves."""

    def load(self):
        return {}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        template = yaml_parse(f.read())
    for resource in template.get("Resources", {}).values():
        props = resource.get("Properties") or {}
        if resource.get("Type") in ("AWS::Serverless::Function", "AWS::Serverless::LayerVersion"):
            for key in ("CodeUri", "ContentUri"):
                if isinstance(props.get(key), str) and not props[key].startswith("s3://"):
                    props[key] = "s3://bucket/value"
    try:
        out = transform(template, {}, OfflineManagedPolicyLoader())
    except InvalidDocumentException as e:
        for cause in e.causes:
            print("SAM: " + cause.message, file=sys.stderr)
        sys.exit(1)
    json.dump(out, sys.stdout, indent=1, sort_keys=True, default=str)


if __name__ == "__main__":
    main()
