"""Hashtags: the tag entity, following and unfollowing tags, the tags a member follows."""
