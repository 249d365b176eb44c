"""Independent checks with Huawei Cloud's official Python SDK.

  sdk_check.py call --endpoint URL --ak AK --sk SK --project P --connection-id ID [--token T]
      Reads one enhanced connection through the SDK's DLI client and prints the
      response as JSON: proves the fake DLI API accepts the official signer.
  sdk_check.py sign < requests.json
      Signs each request with the SDK's signer and prints the Authorization
      values as a JSON list: lets our signer be compared with the official one.
"""
import argparse
import json
import sys
import types

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer


def call(args):
    from huaweicloudsdkdli.v1 import DliClient, ShowEnhancedConnectionRequest

    credentials = BasicCredentials(args.ak, args.sk, args.project)
    if args.token:
        credentials = credentials.with_security_token(args.token)
    client = DliClient.new_builder().with_credentials(credentials).with_endpoints([args.endpoint]).build()
    response = client.show_enhanced_connection(ShowEnhancedConnectionRequest(connection_id=args.connection_id))
    print(json.dumps(response.to_dict(), default=str))


def sign():
    out = []
    for r in json.load(sys.stdin):
        request = SdkRequest(
            method=r["method"],
            schema="https",
            host=r["host"],
            resource_path=r["path"],
            query_params=[tuple(p) for p in r["query"]],
            header_params=dict(r["headers"]),
            body=r["body"].encode() if r["body"] else "",
        )
        signer = Signer(types.SimpleNamespace(ak=r["ak"], sk=r["sk"]))
        signed = signer.sign(request)
        out.append(signed.header_params["Authorization"])
    print(json.dumps(out))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("call")
    for flag in ("--endpoint", "--ak", "--sk", "--project", "--connection-id"):
        c.add_argument(flag, required=True)
    c.add_argument("--token")
    sub.add_parser("sign")
    args = parser.parse_args()
    call(args) if args.command == "call" else sign()


if __name__ == "__main__":
    main()
