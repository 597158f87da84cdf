"""Every table Baraza keeps, one module per subject; storage is reached only through here."""

from storage.models.actors import Actor, Follow, SpaceRole
from storage.models.auth import AccessToken, OAuthApp
from storage.models.client import (
    AuthorizationCode,
    Bookmark,
    IdempotentRequest,
    Marker,
    MediaAttachment,
    Mute,
    Notification,
    Translation,
)
from storage.models.instance import InstanceSetting
from storage.models.library import (
    EventParticipation,
    LetterDelivery,
    LibraryDocument,
    LibraryVersion,
)
from storage.models.lists import (
    ContentFilter,
    FilterKeyword,
    FilterStatus,
    ListAccount,
    MemberList,
)
from storage.models.member_choices import (
    Conversation,
    ConversationMute,
    FollowedTag,
    InstanceRule,
    ScheduledStatus,
    UserDomainBlock,
)
from storage.models.moderation import AuditEntry, Block, DomainAllow, DomainBlock, Report
from storage.models.notification_policy import (
    NotificationPermission,
    NotificationPolicy,
    NotificationRequest,
    PollEnding,
)
from storage.models.objects import Announce, Like, Post
from storage.models.peers import BlocklistUpload, PeerInstance
from storage.models.push import PushDelivery, PushSubscription
from storage.models.queue import Activity, Delivery, Host
from storage.models.scale_out import BusMessage, RateCounter
from storage.models.web import Invitation, RecoveryCode, TwoFactor, WebSession

__all__ = [
    "AccessToken",
    "Activity",
    "Actor",
    "Announce",
    "AuditEntry",
    "AuthorizationCode",
    "Block",
    "BlocklistUpload",
    "Bookmark",
    "BusMessage",
    "ContentFilter",
    "Conversation",
    "ConversationMute",
    "Delivery",
    "DomainAllow",
    "DomainBlock",
    "EventParticipation",
    "FilterKeyword",
    "FilterStatus",
    "Follow",
    "FollowedTag",
    "Host",
    "IdempotentRequest",
    "InstanceRule",
    "InstanceSetting",
    "Invitation",
    "LetterDelivery",
    "LibraryDocument",
    "LibraryVersion",
    "Like",
    "ListAccount",
    "Marker",
    "MediaAttachment",
    "MemberList",
    "Mute",
    "Notification",
    "NotificationPermission",
    "NotificationPolicy",
    "NotificationRequest",
    "OAuthApp",
    "PeerInstance",
    "PollEnding",
    "Post",
    "PushDelivery",
    "PushSubscription",
    "RateCounter",
    "RecoveryCode",
    "Report",
    "ScheduledStatus",
    "SpaceRole",
    "Translation",
    "TwoFactor",
    "UserDomainBlock",
    "WebSession",
]
