"""Independent checks with Huawei Cloud's official Python SDK.

  sdk_check.py call --endpoint URL --ak AK --sk SK --project P --connection-id ID [--token T]
      Reads one enhanced connection through the SDK's DLI client and prints the
      response as JSON: proves the fake DLI API accepts the official signer.
  sdk_check.py call --endpoint URL --ak AK --sk SK --region R --iam-endpoint URL --connection-id ID
      The same without a project ID: the SDK finds the project of region R
      through IAM at --iam-endpoint (the fake's IAM).
  sdk_check.py list --endpoint URL --ak AK --sk SK --project P [--name N] [--tags T] [--limit L] [--offset O]
      Lists enhanced connections through the SDK's DLI client (one page) and
      prints the response as JSON: proves the fake's list API speaks the SDK's
      language.
  sdk_check.py pools --endpoint URL --ak AK --sk SK --project P [--name N] [--tags T]
  sdk_check.py queues --endpoint URL --ak AK --sk SK --project P [--queue-type T | --queue-name N]
      Lists elastic resource pools (one page) or queues through the SDK's DLI
      client and prints the response as JSON: proves the fake serves the
      SDK's models for them.
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

    from huaweicloudsdkcore.region.region import Region

    credentials = BasicCredentials(args.ak, args.sk, args.project)
    if args.token:
        credentials = credentials.with_security_token(args.token)
    builder = DliClient.new_builder()
    if args.region:
        credentials = credentials.with_iam_endpoint(args.iam_endpoint)
        builder = builder.with_credentials(credentials).with_region(Region(args.region, args.endpoint))
    else:
        builder = builder.with_credentials(credentials).with_endpoints([args.endpoint])
    client = builder.build()
    response = client.show_enhanced_connection(ShowEnhancedConnectionRequest(connection_id=args.connection_id))
    print(json.dumps(response.to_dict(), default=str))


def list_(args):
    from huaweicloudsdkdli.v1 import DliClient, ListEnhancedConnectionsRequest

    credentials = BasicCredentials(args.ak, args.sk, args.project)
    client = DliClient.new_builder().with_credentials(credentials).with_endpoints([args.endpoint]).build()
    request = ListEnhancedConnectionsRequest(
        limit=args.limit, offset=args.offset, name=args.name, tags=args.tags
    )
    response = client.list_enhanced_connections(request)
    print(json.dumps(response.to_dict(), default=str))


def privileges(args):
    from huaweicloudsdkdli.v1 import DliClient, ShowEnhancedConnectionPrivilegeRequest

    credentials = BasicCredentials(args.ak, args.sk, args.project)
    client = DliClient.new_builder().with_credentials(credentials).with_endpoints([args.endpoint]).build()
    request = ShowEnhancedConnectionPrivilegeRequest(connection_id=args.connection_id)
    response = client.show_enhanced_connection_privilege(request)
    print(json.dumps(response.to_dict(), default=str))


def pools(args):
    from huaweicloudsdkdli.v1 import DliClient, ListElasticResourcePoolsRequest

    credentials = BasicCredentials(args.ak, args.sk, args.project)
    client = DliClient.new_builder().with_credentials(credentials).with_endpoints([args.endpoint]).build()
    request = ListElasticResourcePoolsRequest(name=args.name, tags=args.tags)
    response = client.list_elastic_resource_pools(request)
    print(json.dumps(response.to_dict(), default=str))


def queues(args):
    from huaweicloudsdkdli.v1 import DliClient, ListQueuesRequest, ShowQueueRequest

    credentials = BasicCredentials(args.ak, args.sk, args.project)
    client = DliClient.new_builder().with_credentials(credentials).with_endpoints([args.endpoint]).build()
    if args.queue_name:
        response = client.show_queue(ShowQueueRequest(queue_name=args.queue_name))
    else:
        response = client.list_queues(ListQueuesRequest(queue_type=args.queue_type))
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
    for flag in ("--endpoint", "--ak", "--sk", "--connection-id"):
        c.add_argument(flag, required=True)
    for flag in ("--project", "--token", "--region", "--iam-endpoint"):
        c.add_argument(flag)
    l = sub.add_parser("list")
    for flag in ("--endpoint", "--ak", "--sk", "--project"):
        l.add_argument(flag, required=True)
    for flag in ("--name", "--tags"):
        l.add_argument(flag)
    l.add_argument("--limit", type=int)
    l.add_argument("--offset", type=int)
    p = sub.add_parser("privileges")
    for flag in ("--endpoint", "--ak", "--sk", "--project", "--connection-id"):
        p.add_argument(flag, required=True)
    for name, extra in (("pools", ("--name", "--tags")), ("queues", ("--queue-type", "--queue-name"))):
        q = sub.add_parser(name)
        for flag in ("--endpoint", "--ak", "--sk", "--project"):
            q.add_argument(flag, required=True)
        for flag in extra:
            q.add_argument(flag)
    sub.add_parser("sign")
    args = parser.parse_args()
    commands = {
        "call": call,
        "list": list_,
        "privileges": privileges,
        "pools": pools,
        "queues": queues,
        "sign": lambda _: sign(),
    }
    commands[args.command](args)


if __name__ == "__main__":
    main()
